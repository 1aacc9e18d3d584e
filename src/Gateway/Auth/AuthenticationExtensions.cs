using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Auth;

public static partial class AuthenticationExtensions
{
    public const string HubPath = "/hubs/chat";

    /// <summary>
    /// JWT bearer authentication for the API and the hub (which takes the token as access_token), with what sign-in
    /// needs: the password hasher, the sign-in throttle and their options.
    /// </summary>
    public static IHostApplicationBuilder AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        var signingKey = new SymmetricSecurityKey(SigningKeyBytes(options.SigningKey, out var generated));

        builder.Services.AddSingleton(new TokenIssuer(signingKey, options, TimeProvider.System));
        builder.Services.AddValidatedOptions<PasswordOptions, PasswordOptionsValidator>(PasswordOptions.SectionName);
        builder.Services.AddValidatedOptions<TokenVersionOptions, TokenVersionOptionsValidator>(TokenVersionOptions.SectionName);
        builder.Services.AddSingleton<TokenVersionCache>();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = JwtOptions.Issuer,
                ValidAudience = JwtOptions.Audience,
                IssuerSigningKey = signingKey,
                ValidAlgorithms = [JwtOptions.SigningAlgorithm],
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            jwt.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSocket and server-sent-event requests, so the hub takes the
                // token from the query string (kept out of request logs, see AddChatApi).
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.Request.Path.StartsWithSegments(HubPath)
                        && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = RefuseSignedOutTokenAsync,
            };
        });

        if (generated)
        {
            builder.Services.AddHostedService<GeneratedKeyWarning>();
        }

        return builder;
    }

    /// <summary>
    /// A token is good only while its version is the user's current one (as the gateway's cache knows it: a sign-out
    /// everywhere reaches it at once). When the cluster cannot answer, the exception travels on and the request gets a
    /// 503, not a 401 that would sign the client out over a silo failover.
    /// </summary>
    private static async Task RefuseSignedOutTokenAsync(TokenValidatedContext context)
    {
        if (context.Principal?.FindFirst(TokenIssuer.TokenVersionClaim)?.Value is not { } claimed
            || !int.TryParse(claimed, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            context.Fail("The token carries no token version.");
            return;
        }

        var versions = context.HttpContext.RequestServices.GetRequiredService<TokenVersionCache>();
        var current = await versions.CurrentAsync(context.Principal.UserId(), context.HttpContext.RequestAborted);
        if (current != version)
        {
            context.Fail("The token was signed out.");
        }
    }

    private static byte[] SigningKeyBytes(string? configured, out bool generated)
    {
        generated = string.IsNullOrEmpty(configured);
        if (generated)
        {
            return RandomNumberGenerator.GetBytes(JwtOptions.MinimumKeyBytes);
        }

        var bytes = new byte[configured!.Length];
        return Convert.TryFromBase64String(configured, bytes, out var length) && length >= JwtOptions.MinimumKeyBytes
            ? bytes[..length]
            : throw new InvalidOperationException(
                $"Jwt:SigningKey must be at least {JwtOptions.MinimumKeyBytes * 8} random bits, base64-encoded (e.g. `openssl rand -base64 32`); " +
                "a passphrase or a shorter key is refused.");
    }

    private sealed partial class GeneratedKeyWarning(ILogger<GeneratedKeyWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogGeneratedKey();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 7001, Level = LogLevel.Warning,
            Message = "Jwt:SigningKey is not set: tokens are signed with a random key and stop working when this process ends")]
        private partial void LogGeneratedKey();
    }
}
