using Microsoft.AspNetCore.Builder;
using WhatsApp.Silo.Hosting;

// A web application only to serve /metrics; the silo itself is configured by AddChatSilo.
var builder = WebApplication.CreateBuilder(args);
var settings = SiloSettings.Read(builder.Configuration);
builder.AddChatSilo(settings);
builder.AddSiloMetrics(settings);

var app = builder.Build();
app.MapSiloMetrics();
await app.RunAsync();
