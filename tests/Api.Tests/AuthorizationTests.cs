using Microsoft.AspNetCore.SignalR.Client;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using WhatsApp.Api.Tests.Infrastructure;

namespace WhatsApp.Api.Tests;

/// <summary>A third user, Carol, tries every endpoint and hub method that names Alice and Bob's conversation or Alice.</summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class AuthorizationTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task ThirdUser_EveryEndpointAndHubMethodOnSomeoneElsesConversation_IsRefusedAndChangesNothing()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        var (a, b) = (aliceAuth.UserId, bobAuth.UserId);
        var secret = await alice.SendAsync(b, "just between us");
        var conversation = secret.ConversationId;
        await using var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        await using var carolTab = await HubSession.ConnectAsync(fixture.GatewayUrl, carolAuth.Token);

        var refusals = new List<(string What, HttpResponseMessage Response)>
        {
            ("history a/b", await carol.GetAsync($"/api/conversations/{a}/{b}")),
            ("history b/a", await carol.GetAsync($"/api/conversations/{b}/{a}")),
            ("mark read", await carol.PostJsonAsync($"/api/conversations/{conversation}/read", new { upToSequence = 1 })),
            ("alice's messages", await carol.GetAsync($"/api/messages/{a}")),
        };
        foreach (var (what, response) in refusals)
        {
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        foreach (var (method, arguments) in new (string, object[])[]
        {
            ("MarkRead", [conversation, 1L]),
            ("MarkDelivered", [conversation, 1L]),
            ("Typing", [conversation, true]),
        })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => carolTab.Connection.InvokeCoreAsync(method, arguments));
            Assert.Contains("not a participant", refused.Message, StringComparison.Ordinal);
        }

        // Nothing changed: Bob still has it unread, Alice still sees one grey tick, Bob saw no typing, Carol has no chats.
        Assert.Equal(1, (await bob.InboxAsync()).Single().UnreadCount);
        Assert.Equal("sent", (await alice.HistoryAsync(a, b)).Messages.Single().Status);
        var marker = await alice.SendAsync(b, "after Carol's attempts");
        Assert.DoesNotContain(await bobTab.EventsBeforeAsync<Message>(message => message.Id == marker.Id), @event => @event is TypingEvent);
        Assert.Empty(await carol.InboxAsync());
        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task SenderIdentity_ComesFromTheTokenOnly_ABodyCannotSendAsSomeoneElse()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();

        using var response = await carol.PostJsonAsync("/api/messages", new { fromUserId = aliceAuth.UserId, toUserId = bobAuth.UserId, content = "I am Alice" });
        var sent = await ChatApi.ReadAsync<Message>(response, HttpStatusCode.Created);

        Assert.Equal(carolAuth.UserId, sent.FromUserId);
        Assert.Empty(await alice.InboxAsync());
        alice.Dispose();
        bob.Dispose();
    }
}
