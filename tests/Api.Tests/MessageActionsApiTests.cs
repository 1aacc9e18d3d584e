using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Api.Tests.Infrastructure;

namespace WhatsApp.Api.Tests;

/// <summary>Replies, edits, deletes and reactions over REST and the hub, as the peer's open tab sees them.</summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class MessageActionsApiTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task Actions_OverRestAndHub_ReachThePeersTabAsTheMessageNowStands()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await using var adasTab = await HubSession.ConnectAsync(fixture.GatewayUrl, adaAuth.Token);
        await using var bobsTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        var question = await ada.SendAsync(bobAuth.UserId, "Dinner at 7?", "q-1");
        var path = $"/api/conversations/{question.ConversationId}/messages";

        var reply = await bobsTab.Connection.InvokeAsync<Message>("Reply", question.ConversationId, question.Sequence, "Make it 8", "r-1");
        Assert.Equal(new QuoteView(question.Sequence, adaAuth.UserId, "Dinner at 7?", "text"), reply.Quote);
        Assert.Equal(reply.Quote, (await adasTab.NextAsync<Message>(message => message.Id == reply.Id)).Quote);

        using (var reacted = await ada.PutJsonAsync($"{path}/{reply.Sequence}/reaction", new { emoji = "👍" }))
        {
            Assert.Equal([new ReactionView(adaAuth.UserId, "👍")], (await ChatApi.ReadAsync<Message>(reacted, HttpStatusCode.OK)).Reactions);
        }

        using (var edited = await ada.PutJsonAsync($"{path}/{question.Sequence}", new { content = "Dinner at 8?" }))
        {
            Assert.NotNull((await ChatApi.ReadAsync<Message>(edited, HttpStatusCode.OK)).EditedAt);
        }

        await adasTab.Connection.InvokeAsync<Message>("DeleteMessage", question.ConversationId, question.Sequence);

        var changes = new[]
        {
            (await bobsTab.NextAsync<MessageChangedEvent>()).Message,
            (await bobsTab.NextAsync<MessageChangedEvent>()).Message,
            (await bobsTab.NextAsync<MessageChangedEvent>()).Message,
        };
        Assert.Equal([(reply.Sequence, "text", "Make it 8"), (question.Sequence, "text", "Dinner at 8?"), (question.Sequence, "deleted", "")],
            changes.Select(message => (message.Sequence, message.Kind, message.Content)));
        using (var editDeleted = await ada.PutJsonAsync($"{path}/{question.Sequence}", new { content = "Dinner after all?" }))
        {
            Assert.Equal("MessageNotChangeable", (await ChatApi.ReadAsync<Problem>(editDeleted, HttpStatusCode.Conflict)).Code);
        }

        var history = await bob.HistoryAsync(adaAuth.UserId, bobAuth.UserId);
        Assert.Equal(["deleted", "text"], history.Messages.Select(message => message.Kind));
        Assert.Equal(new QuoteView(question.Sequence, adaAuth.UserId, "", "deleted"), history.Messages[1].Quote);
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Actions_BySomeoneElseOrWithBadInput_GetProblemsAndChangeNothing()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (stranger, _) = await anonymous.RegisterAsync();
        var sent = await ada.SendAsync(bobAuth.UserId, "original", "o-1");
        var path = $"/api/conversations/{sent.ConversationId}/messages";

        var refusals = new List<(string What, HttpResponseMessage Response, HttpStatusCode Expected)>
        {
            ("the peer edits", await bob.PutJsonAsync($"{path}/{sent.Sequence}", new { content = "changed by bob" }), HttpStatusCode.Forbidden),
            ("the peer deletes", await bob.DeleteAsync($"{path}/{sent.Sequence}"), HttpStatusCode.Forbidden),
            ("a stranger reacts", await stranger.PutJsonAsync($"{path}/{sent.Sequence}/reaction", new { emoji = "👎" }), HttpStatusCode.Forbidden),
            ("a reaction that is a word", await bob.PutJsonAsync($"{path}/{sent.Sequence}/reaction", new { emoji = "nice" }), HttpStatusCode.BadRequest),
            ("a reaction without an emoji", await bob.PutJsonAsync($"{path}/{sent.Sequence}/reaction", new { }), HttpStatusCode.BadRequest),
            ("an edit to nothing", await ada.PutJsonAsync($"{path}/{sent.Sequence}", new { content = " " }), HttpStatusCode.BadRequest),
            ("a message that does not exist", await ada.DeleteAsync($"{path}/99"), HttpStatusCode.BadRequest),
            ("a reply to a message that does not exist", await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, content = "re", replyToSequence = 99 }), HttpStatusCode.BadRequest),
            ("a conversation id that is not one", await ada.PutJsonAsync($"/api/conversations/nonsense/messages/{sent.Sequence}", new { content = "x" }), HttpStatusCode.BadRequest),
        };
        foreach (var (what, response, expected) in refusals)
        {
            using (response)
            {
                Assert.True(response.StatusCode == expected, $"{what}: {(int)response.StatusCode}, expected {(int)expected}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        var unchanged = (await ada.HistoryAsync(adaAuth.UserId, bobAuth.UserId)).Messages.Single();
        Assert.Equal(("original", (DateTimeOffset?)null, (List<ReactionView>?)null), (unchanged.Content, unchanged.EditedAt, unchanged.Reactions));
        ada.Dispose();
        bob.Dispose();
        stranger.Dispose();
    }
}
