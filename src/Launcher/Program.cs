using WhatsApp.Launcher.Control;
using WhatsApp.Launcher.Hosting;
using WhatsApp.Launcher.Plan;

// ./run prepares PostgreSQL and Redis, then hands the rest over to this process with a plan on standard input.
var plan = await LaunchPlan.ReadAsync(Console.In);

var builder = WebApplication.CreateBuilder(args);
builder.AddLauncherConsole();
builder.AddClusterSupervision(plan);
builder.AddControlEndpoint(plan);

var app = builder.Build();
app.MapControlApi();
await app.RunAsync();
