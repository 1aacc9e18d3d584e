using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// Which failures the gateway waits out and which it reports at once. Only named transient failures (a silo dying, the
/// database down) are retried or answered 503; a failure no retry can cure is a 500 straight away, with nothing of the
/// internals in the answer, and logged.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class ErrorClassificationTests(ChatSystemFixture fixture)
{
    [Fact(Timeout = 120_000)]
    public async Task Send_DatabaseRefusesTheRow_Answers500AtOnceWithoutInternalsAndLogsIt()
    {
        // A real non-transient fault: the database refuses this one row (as a schema mismatch after a bad deployment
        // would). Retrying cannot help, so it must not be retried for the whole budget and then called "unavailable".
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var refusedContent = $"refused by the database {suffix}";
        await fixture.System.Postgres.QueryScalarAsync<int?>(
            $"ALTER TABLE chat_message ADD CONSTRAINT refuse_{suffix} CHECK (content <> '{refusedContent}')");
        try
        {
            using var anonymous = fixture.Api();
            var (alice, aliceAuth) = await anonymous.RegisterAsync();
            var (_, bobAuth) = await anonymous.RegisterAsync();

            const string Retry = "Cluster call failed";
            var retriesBefore = Occurrences(fixture.System.Gateways[0].Output, Retry);
            using var response = await alice.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, content = refusedContent, clientMessageId = "refused" });
            var body = await response.Content.ReadAsStringAsync();
            var problem = await ChatApi.ReadAsync<Problem>(response, HttpStatusCode.InternalServerError);

            Assert.Equal("Something went wrong on our side.", problem.Detail);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("Retry-After"), "a 500 is not something to retry");
            foreach (var secret in new[] { "23514", "chat_message", "constraint", "SQL", "Exception", suffix })
            {
                Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
            }

            await Eventually.ReturnsAsync(
                () => Task.FromResult(fixture.System.Gateways[0].Output), output => output.Contains("POST /api/messages failed", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "the gateway logging the failure");
            Assert.Equal(retriesBefore, Occurrences(fixture.System.Gateways[0].Output, Retry)); // answered at once: no retry logged
            Assert.Empty((await alice.HistoryAsync(aliceAuth.UserId, bobAuth.UserId)).Messages);

            // The conversation is not broken by it: the next message gets the first sequence.
            Assert.Equal(1, (await alice.SendAsync(bobAuth.UserId, "an ordinary message", "ordinary")).Sequence);
            alice.Dispose();
        }
        finally
        {
            await fixture.System.Postgres.QueryScalarAsync<int?>($"ALTER TABLE chat_message DROP CONSTRAINT refuse_{suffix}");
        }
    }

    private static int Occurrences(string text, string part) =>
        (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
