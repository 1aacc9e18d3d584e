using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace WhatsApp.Gateway.Auth;

public static partial class AuthenticationExtensions
{
    public const string HubPath = "/hubs/chat";
    private const int MinimumKeyLength = 32;

    /// <summary>JWT bearer authentication for the API and the hub (which takes the token as access_token).</summary>
    public static IHostApplicationBuilder AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        var signingKey = new SymmetricSecurityKey(SigningKeyBytes(options.SigningKey, out var generated));

        builder.Services.AddSingleton(new TokenIssuer(signingKey, options, TimeProvider.System));
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = JwtOptions.Issuer,
                ValidAudience = JwtOptions.Audience,
                IssuerSigningKey = signingKey,
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
            };
        });

        if (generated)
        {
            builder.Services.AddHostedService<GeneratedKeyWarning>();
        }

        return builder;
    }

    private static byte[] SigningKeyBytes(string? configured, out bool generated)
    {
        generated = string.IsNullOrEmpty(configured);
        if (generated)
        {
            return RandomNumberGenerator.GetBytes(MinimumKeyLength);
        }

        var bytes = Encoding.UTF8.GetBytes(configured!);
        return bytes.Length >= MinimumKeyLength
            ? bytes
            : throw new InvalidOperationException($"Jwt:SigningKey must be at least {MinimumKeyLength} characters.");
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
