using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace WhatsApp.Gateway.Hosting;

/// <summary>
/// The Orleans dashboard for operators only: served on a port of its own (Dashboard:Host, Dashboard:Port), which serves
/// nothing else, while the API's port answers 404 for it.
/// </summary>
public static class OperatorDashboardExtensions
{
    /// <summary>
    /// Adds the dashboard's address to the addresses the gateway listens on. Call it after the API's urls are settled:
    /// Kestrel listens on the "urls" setting, and an explicit Listen in code would make it ignore that setting.
    /// </summary>
    public static WebApplicationBuilder AddOperatorDashboard(this WebApplicationBuilder builder)
    {
        var dashboard = builder.Configuration.GetSection(OperatorDashboardOptions.SectionName).Get<OperatorDashboardOptions>() ?? new OperatorDashboardOptions();
        var apiUrls = (builder.Configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dashboard.Problem(apiUrls.Select(url => BindingAddress.Parse(url).Port)) is { } problem)
        {
            throw new OptionsValidationException(OperatorDashboardOptions.SectionName, typeof(OperatorDashboardOptions), [problem]);
        }

        builder.WebHost.UseUrls([.. apiUrls, dashboard.ListenUrl]);
        builder.Services.AddSingleton(Options.Create(dashboard));
        return builder;
    }

    /// <summary>
    /// Maps the dashboard under /dashboard and keeps each port to its own endpoints. Call it first after Build: its gate
    /// must run before anything else answers. The gate looks at the port the connection arrived on, not at the Host
    /// header, which any client may set; on the dashboard's port the Host header must name the dashboard too, so a
    /// page of another site cannot read it through a name of its own that resolves to this machine.
    /// </summary>
    public static WebApplication MapOperatorDashboard(this WebApplication app)
    {
        var dashboard = app.Services.GetRequiredService<IOptions<OperatorDashboardOptions>>().Value;
        app.Use(async (context, next) =>
        {
            var onDashboardPort = context.Connection.LocalPort == dashboard.Port;
            var isDashboard = context.GetEndpoint()?.Metadata.GetMetadata<OperatorPortEndpoint>() is not null;
            if (onDashboardPort && !dashboard.Answers(context.Request.Host.Host))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    detail: "The dashboard answers only to its own address (localhost, loopback, Dashboard:Host or Dashboard:AllowedHosts).").ExecuteAsync(context);
                return;
            }

            if (onDashboardPort == isDashboard)
            {
                await next(context);
                return;
            }

            await Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "There is nothing at this address.").ExecuteAsync(context);
        });
        app.MapOrleansDashboard(OperatorDashboardOptions.Path)
            .OnOperatorPort()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Serves an endpoint on the dashboard's port (loopback, for operators) and nowhere else.</summary>
    public static TBuilder OnOperatorPort<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new OperatorPortEndpoint());

    /// <summary>Marks the endpoints of the dashboard's port, the only ones it serves.</summary>
    private sealed class OperatorPortEndpoint;
}
