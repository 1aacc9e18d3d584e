using System.Globalization;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>A wrong access setting stops the gateway at start with a message naming the key, before it serves anyone.</summary>
public sealed class GatewaySettingsTests
{
    [Theory]
    [InlineData("Dashboard__Host", "dashboard.example", "Dashboard:Host")]
    [InlineData("Dashboard__Port", "70000", "Dashboard:Port")]
    [InlineData("Hub__MaxConnectionsPerUser", "0", "Hub:MaxConnectionsPerUser")]
    [InlineData("Allowance__CostBurstPerUser", "0", "Allowance:CostBurstPerUser")]
    [InlineData("Allowance__TrustedProxies", "proxy.example", "Allowance:TrustedProxies")]
    [InlineData("Gateway__ClusterAttemptTimeout", "00:00:10", "Gateway:ClusterAttemptTimeout must be more than zero and at most Gateway:ClusterCallTimeout")]
    [InlineData("Gateway__ClusterRetryBudget", "00:00:01", "Gateway:ClusterRetryBudget must be at least Gateway:ClusterAttemptTimeout")]
    [InlineData("Gateway__AllowedOrigins", "localhost:8080", "Gateway:AllowedOrigins must be http(s) origins")]
    [InlineData("Shard__Count", "0", "Shard:Count must be at least 1 (got 0)")]
    public async Task Gateway_WithAWrongSetting_StopsAtStartNamingTheKey(string variable, string value, string key)
    {
        await using var gateway = HostProcess.Start("Gateway", "gateway-misconfigured", new Dictionary<string, string>
        {
            // Nothing listens there: the gateway must stop before it looks for a cluster.
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{FreePort.Next()}",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Dashboard__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            [variable] = value,
        });

        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the gateway kept running:\n{gateway.Output}");
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains(key, gateway.Output, StringComparison.Ordinal);
    }
}
