using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Allowances;

public static class AllowanceExtensions
{
    /// <summary>The users' and the anonymous addresses' allowances, and which proxies may say who the client is.</summary>
    public static IHostApplicationBuilder AddChatAllowances(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AllowanceOptions, AllowanceOptionsValidator>(AllowanceOptions.SectionName);
        builder.Services.AddSingleton<UserAllowance>();
        builder.Services.AddSingleton<SignInAllowance>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AllowanceOptions>>((forwarded, allowance) =>
        {
            // Only the configured proxies: ASP.NET Core trusts loopback by default, and a gateway's own host is no proxy.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in allowance.Value.TrustedProxyList)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    /// <summary>The client's address from a trusted proxy's X-Forwarded-For; first, so every later step sees it.</summary>
    public static IApplicationBuilder UseClientAddresses(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>Charges signed-in users their requests' costs; after authentication, so the user is known.</summary>
    public static IApplicationBuilder UseUserAllowance(this IApplicationBuilder app) => app.UseMiddleware<UserAllowanceMiddleware>();

    /// <summary>What the endpoint costs against the user's allowance (1 without this).</summary>
    public static TBuilder WithCost<TBuilder>(this TBuilder builder, int cost) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CostAttribute(cost));
}
