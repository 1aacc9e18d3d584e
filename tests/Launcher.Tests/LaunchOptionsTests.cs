using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Tests;

/// <summary>./run's command line as the launcher reads it: every option, and a clear refusal of what it cannot act on.</summary>
public sealed class LaunchOptionsTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheDocumentedDefaults()
    {
        var options = LaunchOptions.Parse([])!;

        Assert.Equal((3, 1, false), (options.Shards, options.Databases, options.Split));
        Assert.Equal((3000, 3001, 8080, 3002), (options.GatewayPort, options.DashboardPort, options.ClientPort, options.ControlPort));
        Assert.Equal((15432, 16379, 11111, 30000, 9400), (options.PostgresPort, options.RedisPort, options.SiloPort, options.SiloGatewayPort, options.MetricsPort));
        Assert.Equal(Path.GetFullPath(".data"), options.Data);
    }

    [Fact]
    public void Parse_EveryOption_IsRead()
    {
        var options = LaunchOptions.Parse([
            "--shards", "2", "--databases", "2", "--split", "--gateway-port", "4000", "--dashboard-port", "4001", "--client-port", "4002",
            "--postgres-port", "4010", "--redis-port", "4020", "--silo-port", "4030", "--silo-gateway-port", "4040",
            "--metrics-port", "4050", "--control-port", "4003", "--data", "somewhere"])!;

        Assert.Equal((2, 2, true), (options.Shards, options.Databases, options.Split));
        Assert.Equal((4000, 4001, 4002, 4003), (options.GatewayPort, options.DashboardPort, options.ClientPort, options.ControlPort));
        Assert.Equal((4010, 4020, 4030, 4040, 4050), (options.PostgresPort, options.RedisPort, options.SiloPort, options.SiloGatewayPort, options.MetricsPort));
        Assert.Equal(Path.GetFullPath("somewhere"), options.Data);
        Assert.Equal(
            ["Redis", "gateway", "dashboard", "client", "launcher control", "PostgreSQL 0", "PostgreSQL 1", "silo 0", "silo 0 gateway", "silo 0 metrics", "silo 1", "silo 1 gateway", "silo 1 metrics"],
            options.Ports().Select(port => port.Owner));
        Assert.Contains((4011, "PostgreSQL 1"), options.Ports());
        Assert.Contains((4051, "silo 1 metrics"), options.Ports());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_AsksForTheUsage(string help) => Assert.Null(LaunchOptions.Parse(["--shards", "2", help]));

    [Theory]
    [InlineData("--shards 0", "--shards must be a number from 1 to 99")]
    [InlineData("--shards three", "--shards must be a number from 1 to 99")]
    [InlineData("--gateway-port 70000", "--gateway-port must be a number from 1 to 65535")]
    [InlineData("--redis-port", "--redis-port needs a value")]
    [InlineData("--databases 2", "--databases must be 1 or the number of shards (3)")]
    [InlineData("--colour", "Unknown option: --colour")]
    public void Parse_WhatItCannotActOn_IsRefusedSayingWhat(string arguments, string message)
    {
        var refusal = Assert.Throws<LaunchOptionsException>(() => LaunchOptions.Parse(arguments.Split(' ')));

        Assert.Equal(message, refusal.Message);
    }
}
