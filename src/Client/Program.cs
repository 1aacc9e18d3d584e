using Microsoft.AspNetCore.Builder;
using WhatsApp.Client;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.AddChatClientHost();

var app = builder.Build();
app.MapChatClient();
app.Run();
