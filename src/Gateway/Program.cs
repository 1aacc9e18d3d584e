using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Gateway.Realtime;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:3000");
builder.AddOperatorDashboard();
builder.AddChatClusterClient();
builder.AddChatAuthentication();
builder.AddChatApplication();
builder.AddChatApi();
builder.AddChatRealtime();
builder.AddChatMetrics();

var app = builder.Build();
app.MapOperatorDashboard();
app.UseChatApi();
app.MapAuthApi();
app.MapUsersApi();
app.MapMessagesApi();
app.MapConversationsApi();
app.MapHealthApi();
app.MapChatHub();
app.MapChatMetrics();
app.Run();
