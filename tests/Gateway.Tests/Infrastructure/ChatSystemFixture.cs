using System.Globalization;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>One running system (3 silos, a gateway, PostgreSQL, Redis) shared by the gateway tests; every test uses fresh users.</summary>
public sealed class ChatSystemFixture : IAsyncLifetime
{
    /// <summary>Generous enough for every test but the rate-limit one, which sends a burst beyond it.</summary>
    public const int SendBurst = 200;

    public ChatSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await ChatSystem.StartAsync(new Dictionary<string, string>
    {
        ["Gateway__SendBurst"] = SendBurst.ToString(CultureInfo.InvariantCulture),
        ["Gateway__SendsPerSecond"] = "100",
        ["Gateway__AllowedOrigins"] = "http://localhost:8080",
    });

    public ChatApi Api(string? token = null) => new(System.GatewayUrl, token);

    public async Task DisposeAsync() => await System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ChatSystemCollection : ICollectionFixture<ChatSystemFixture>
{
    public const string Name = "chat system";
}
