using System.Globalization;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>One running system (3 silos, a gateway, PostgreSQL, Redis) shared by the gateway tests; every test uses fresh users.</summary>
public sealed class ChatSystemFixture : IAsyncLifetime
{
    public async Task InitializeAsync() => System = await ChatSystem.StartAsync(TestHostSettings.SharedGateway);

    /// <summary>PBKDF2 iterations of the costly-hash gateway: a third of OWASP's, enough for the hash to dominate a login's time.</summary>
    public const int CostlyHashIterations = 200_000;

    private readonly SemaphoreSlim _costlyGatewayLock = new(1, 1);
    private Uri? _costlyGateway;

    public ChatSystem System { get; private set; } = null!;

    public ChatApi Api(string? token = null) => new(System.GatewayUrl, token);

    /// <summary>
    /// A second gateway of the system whose password hash costs <see cref="CostlyHashIterations"/> (the first uses the
    /// tests' cheap one): for the tests of the hash's time and of upgrading stored hashes. Started at first use.
    /// </summary>
    public async Task<Uri> CostlyHashGatewayAsync()
    {
        await _costlyGatewayLock.WaitAsync();
        try
        {
            return _costlyGateway ??= await System.StartGatewayAsync(new Dictionary<string, string>
            {
                ["Passwords__Iterations"] = CostlyHashIterations.ToString(CultureInfo.InvariantCulture),
            });
        }
        finally
        {
            _costlyGatewayLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        _costlyGatewayLock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ChatSystemCollection : ICollectionFixture<ChatSystemFixture>
{
    public const string Name = "chat system";
}
