using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WhatsApp.Client;

/// <summary>
/// The Cluster panel's fault buttons, relayed to the launcher's control endpoint with the launcher's secret, which stays
/// in this host. Only when ./run configured the launcher (Client:ControlUrl); otherwise these routes do not exist.
/// A request must come from this machine, name this machine in its Host header (a page on another site cannot reach
/// here through DNS rebinding) and carry a header no cross-site form can send without a CORS preflight, which this
/// host never grants.
/// </summary>
public static class ClusterControl
{
    public const string PanelHeader = "X-Chat-Client";
    public const string PanelHeaderValue = "cluster-panel";
    private const string LauncherClient = "launcher-control";

    public static WebApplicationBuilder AddClusterControl(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(LauncherClient, (services, http) =>
        {
            var options = services.GetRequiredService<IOptions<ClientOptions>>().Value;
            http.BaseAddress = options.ControlUrl;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ControlSecret);
            // Starting a shard's database waits for it to accept connections.
            http.Timeout = TimeSpan.FromSeconds(100);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapClusterControl(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ClientOptions>>().Value.HasControl)
        {
            return app;
        }

        var control = app.MapGroup("/control").AddEndpointFilter(RefuseOthers);
        control.MapGet("/cluster", (IHttpClientFactory clients, HttpContext context) => RelayAsync(clients, HttpMethod.Get, "control/cluster", context));
        control.MapPost("/{part:regex(^(silos|databases)$)}/{shard:int}/{action:regex(^(stop|start)$)}",
            (string part, int shard, string action, IHttpClientFactory clients, HttpContext context) =>
                RelayAsync(clients, HttpMethod.Post, $"control/{part}/{shard}/{action}", context));
        return app;
    }

    private static async ValueTask<object?> RefuseOthers(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var request = invocation.HttpContext.Request;
        var caller = invocation.HttpContext.Connection.RemoteIpAddress;
        var local = caller is not null && IPAddress.IsLoopback(caller) && IsLoopbackName(request.Host.Host);
        if (!local || request.Headers[PanelHeader] != PanelHeaderValue)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cluster panel only",
                detail: "The fault buttons answer the chat page on this machine only.");
        }

        return await next(invocation);
    }

    private static bool IsLoopbackName(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static async Task<IResult> RelayAsync(IHttpClientFactory clients, HttpMethod method, string path, HttpContext context)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var answer = await clients.CreateClient(LauncherClient).SendAsync(request, context.RequestAborted);
            var body = await answer.Content.ReadAsStringAsync(context.RequestAborted);
            return Results.Content(body, answer.Content.Headers.ContentType?.ToString(), statusCode: (int)answer.StatusCode);
        }
        catch (HttpRequestException)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Launcher unreachable",
                detail: "The launcher's control endpoint did not answer: is ./run still running?");
        }
    }
}
