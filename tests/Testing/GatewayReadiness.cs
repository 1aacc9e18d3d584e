using System.Diagnostics;
using System.Net.Http.Json;

namespace WhatsApp.Testing;

/// <summary>Waits until a gateway answers its /healthz and sees every silo of the cluster, as a deployment's readiness check does.</summary>
public static class GatewayReadiness
{
    /// <summary>
    /// Polls until <paramref name="gatewayUrl"/> sees <paramref name="silos"/> silos, for at most <paramref name="bound"/>;
    /// <paramref name="failure"/> says why waiting is pointless (the gateway's process exited, say), or null while it may
    /// still come up, and <paramref name="output"/> what the gateway wrote, for the timeout's message.
    /// </summary>
    public static async Task WaitForSilosAsync(Uri gatewayUrl, int silos, TimeSpan bound, Func<string?> failure, Func<string> output)
    {
        using var http = new HttpClient { BaseAddress = gatewayUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (failure() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }

            try
            {
                var health = await http.GetFromJsonAsync<Health>("/healthz");
                if (health?.ActiveSilos == silos)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or the cluster is not complete yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The gateway at {gatewayUrl} did not see {silos} silos within {bound}:\n{output()}");
    }

    private sealed record Health(string Status, int ActiveSilos);
}
