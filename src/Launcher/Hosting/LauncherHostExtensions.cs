using System.Net;
using System.Text.Json.Serialization;
using WhatsApp.Launcher.Control;
using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Hosting;

public static class LauncherHostExtensions
{
    /// <summary>Supervises the plan's processes: started with the host, stopped in order with it.</summary>
    public static WebApplicationBuilder AddClusterSupervision(this WebApplicationBuilder builder, LaunchPlan plan)
    {
        builder.Services.AddSingleton(plan);
        builder.Services.AddSingleton<ClusterSupervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterSupervisor>());
        // The hosts get the shutdown's grace period, one after another: the host must not give up on them first.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMinutes(2));
        return builder;
    }

    /// <summary>Reports when the cluster and the client are ready, and where everything is (<see cref="ReadinessReport"/>).</summary>
    public static WebApplicationBuilder AddReadinessReport(this WebApplicationBuilder builder, LaunchOptions options, LocalLayout layout)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(layout);
        builder.Services.AddHostedService<ReadinessReport>();
        return builder;
    }

    /// <summary>The control endpoint on 127.0.0.1 only, guarded by the secret in the plan's secret file.</summary>
    public static WebApplicationBuilder AddControlEndpoint(this WebApplicationBuilder builder, LaunchPlan plan)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, plan.Control.Port));
        builder.Services.AddSingleton(ControlSecret.ReadFrom(plan.Control.SecretFile));
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        return builder;
    }

    /// <summary>
    /// The launcher's own lines only (what it stopped or started, and failures), in the terminal ./run runs in,
    /// beside ./run's progress; the hosts write to their own log files.
    /// </summary>
    public static WebApplicationBuilder AddLauncherConsole(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = false;
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        return builder;
    }
}
