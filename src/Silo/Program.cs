using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using WhatsApp.Silo.Hosting;
using WhatsApp.Silo.Persistence.Split;

// A web application only to serve /metrics and /healthz; the silo itself is configured by AddChatSilo.
var builder = WebApplication.CreateBuilder(args);
if (args is [SplitDatabasesCommand.Name, ..])
{
    return await SplitDatabasesCommand.RunAsync(builder.Configuration, builder.Environment.IsDevelopment(), CancellationToken.None);
}

var settings = SiloSettings.Read(builder.Configuration, builder.Environment.IsDevelopment());
builder.AddChatSilo(settings);
builder.AddSiloMetrics(settings);
builder.AddSiloTraces();
builder.AddSiloHealth();

var app = builder.Build();
app.MapSiloMetrics();
app.MapSiloHealth();
await app.RunAsync();
return 0;
