using Microsoft.AspNetCore.Http.Json;
using WhatsApp.Gateway.Allowances;

namespace WhatsApp.Gateway.Api;

public static class ApiExtensions
{
    /// <summary>Everything around the endpoints: JSON, errors as problem details, limits, CORS, rate limits, OpenAPI.</summary>
    public static WebApplicationBuilder AddChatApi(this WebApplicationBuilder builder)
    {
        // Request lines carry the hub's access_token in the query string: never log them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);

        builder.AddRequestLimits();
        builder.AddChatAllowances();
        builder.Services.Configure<JsonOptions>(options => ContractJson.Configure(options.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= ProblemExceptionHandler.DefaultDetail(context.ProblemDetails.Status));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddClientCors();
        builder.Services.AddSendRateLimiting();
        return builder;
    }

    public static WebApplication UseChatApi(this WebApplication app)
    {
        app.UseClientAddresses();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(ClientCors.PolicyName);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseUserAllowance();
        app.UseRateLimiter();
        app.MapOpenApi();
        return app;
    }
}
