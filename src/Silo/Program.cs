using Microsoft.Extensions.Hosting;
using WhatsApp.Silo.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddChatSilo();
await builder.Build().RunAsync();
