using System.Net.Http.Json;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Measurement;

/// <summary>
/// The gateway's renewal of every connected user's event subscription, as its metrics report it
/// (<c>whatsapp.gateway.listener_renewal.*</c>): a round with every silo up, then the two rounds right after a silo is
/// killed (the one running at the kill may have started before it); the silo is started again afterwards.
/// </summary>
public static class ListenerRenewals
{
    private const int KilledShard = 1;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    public sealed record Figures(double AllUpSeconds, double OneDownSeconds, int FailedWithOneDown);

    public static async Task<Figures> MeasureAsync(BenchmarkDeployment deployment, int users)
    {
        var gateway = deployment.GatewayUrl;
        var allUp = await NextRoundAsync(gateway, (await ReadAsync(gateway)).Number, round => round.Renewed + round.Failed >= users);

        await deployment.System.SiloOf(KilledShard).KillAsync();
        var first = await NextRoundAsync(gateway, (await ReadAsync(gateway)).Number, _ => true);
        var second = await NextRoundAsync(gateway, first.Number, _ => true);

        deployment.System.StartSilo(KilledShard);
        await Eventually.ReturnsAsync(() => ActiveSilosAsync(gateway), active => active == ChatSystem.ShardCount, Bound, "the killed silo back in the cluster");
        return new Figures(allUp.Duration.TotalSeconds, Math.Max(first.Duration.TotalSeconds, second.Duration.TotalSeconds), first.Failed + second.Failed);
    }

    private sealed record Round(long Number, TimeSpan Duration, int Renewed, int Failed);

    private static Task<Round> NextRoundAsync(Uri gateway, long after, Func<Round, bool> wanted) =>
        Eventually.ReturnsAsync(() => ReadAsync(gateway), round => round.Number > after && wanted(round), Bound, $"a renewal after round {after}");

    private static async Task<Round> ReadAsync(Uri gateway)
    {
        var samples = await PrometheusSample.ScrapeAsync(gateway);
        return new Round(
            (long)PrometheusSample.Total(samples, "whatsapp_gateway_listener_renewal_rounds_total"),
            TimeSpan.FromSeconds(PrometheusSample.Total(samples, "whatsapp_gateway_listener_renewal_duration_seconds")),
            (int)PrometheusSample.Total(samples, "whatsapp_gateway_listener_renewal_users", "outcome=\"renewed\""),
            (int)PrometheusSample.Total(samples, "whatsapp_gateway_listener_renewal_users", "outcome=\"failed\""));
    }

    private static async Task<int> ActiveSilosAsync(Uri gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/healthz");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Health>())!.ActiveSilos : 0;
    }

    private sealed record Health(int ActiveSilos);
}
