using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;

namespace WhatsApp.Gateway.Tests;

/// <summary>A send whose write outlasts the gateway's try: the retry must find the first write's message, not store a second.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class StalledWriteRetryTests(ChatSystemFixture fixture)
{
    [Fact]
    public async Task RestSend_WriteSlowerThanTheGatewaysTry_TheSecondTryFindsTheFirstsMessageAndStillAnswers201()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await alice.SendAsync(bobAuth.UserId, "before the stall");
        var gateway = fixture.System.Gateways[0];
        var retriesBefore = CountOf(gateway.Output, TriedAgain);

        Task<HttpResponseMessage> sending;
        await fixture.System.Postgres.FreezeAsync();
        try
        {
            sending = alice.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, content = "during the stall", clientMessageId = "stalled-1" });
            // Longer than one try (Gateway:ClusterAttemptTimeout, 2 s): the gateway tries again while the first write waits.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await fixture.System.Postgres.ThawAsync();
        }

        using var response = await sending;
        var created = await ChatApi.ReadAsync<Message>(response, HttpStatusCode.Created);
        Assert.True(CountOf(gateway.Output, TriedAgain) > retriesBefore, "the gateway did not try the send again");
        Assert.Equal(["before the stall", "during the stall"], (await alice.HistoryAsync(aliceAuth.UserId, bobAuth.UserId)).Messages.Select(message => message.Content));
        Assert.Equal(2, created.Sequence);
        alice.Dispose();
    }

    // A try that got no answer within Gateway:ClusterAttemptTimeout ends in the resilience pipeline's timeout.
    private const string TriedAgain = "Cluster call failed (attempt 1, TimeoutRejectedException";

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
