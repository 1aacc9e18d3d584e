using System.Net;
using WhatsApp.Api.Tests.Infrastructure;

namespace WhatsApp.Api.Tests;

[Collection(InProcessChatSystemCollection.Name)]
public sealed class HistoryAndIdempotencyTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task RestSend_SameClientMessageIdAgain_Answers200WithTheSameMessageAndStoresOne()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        var body = new { toUserId = bobAuth.UserId, content = "exactly once", clientMessageId = "retry-me" };

        using var first = await alice.PostJsonAsync("/api/messages", body);
        using var second = await alice.PostJsonAsync("/api/messages", body);

        var created = await ChatApi.ReadAsync<Message>(first, HttpStatusCode.Created);
        var repeated = await ChatApi.ReadAsync<Message>(second, HttpStatusCode.OK);
        Assert.Equal(created, repeated);
        Assert.Single((await alice.HistoryAsync(aliceAuth.UserId, bobAuth.UserId)).Messages);
        alice.Dispose();
    }

    [Fact]
    public async Task History_120MessagesInPagesOf50_WalksBackToTheFirstWithoutGapOrRepeat()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        for (var i = 1; i <= 120; i++)
        {
            await (i % 2 == 0 ? bob.SendAsync(aliceAuth.UserId, $"m{i}") : alice.SendAsync(bobAuth.UserId, $"m{i}"));
        }

        var seen = new List<Message>();
        long? before = null;
        var pages = 0;
        while (true)
        {
            var page = await bob.HistoryAsync(bobAuth.UserId, aliceAuth.UserId, before, limit: 50);
            pages++;
            Assert.Equal(page.Messages.OrderBy(message => message.Sequence), page.Messages);
            seen.InsertRange(0, page.Messages);
            if (!page.HasMore)
            {
                break;
            }

            before = page.Messages[0].Sequence;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), seen.Select(message => message.Sequence));
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"m{i}"), seen.Select(message => message.Content));
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task RecentMessages_OfTheCaller_AreNewestFirstAcrossConversations()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, _) = await anonymous.RegisterAsync();
        await alice.SendAsync(bobAuth.UserId, "first");
        await carol.SendAsync(aliceAuth.UserId, "second");
        await bob.SendAsync(aliceAuth.UserId, "third");

        var recent = await alice.GetJsonAsync<List<Message>>($"/api/messages/{aliceAuth.UserId}");

        Assert.Equal(["third", "second", "first"], recent.Select(message => message.Content));
        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task ChatList_MoreChatsThanAPage_NextPagesFollowTheLinkHeaderNewestFirstToTheLast()
    {
        using var anonymous = fixture.Api();
        var (owner, ownerAuth) = await anonymous.RegisterAsync();
        using var _ = owner;
        var peers = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            var (peer, peerAuth) = await anonymous.RegisterAsync();
            using (peer)
            {
                await peer.SendAsync(ownerAuth.UserId, $"chat {i}");
            }

            peers.Add(peerAuth.UserId);
        }

        var seen = new List<long>();
        var pageSizes = new List<int>();
        string? next = "/api/conversations?limit=3";
        while (next is not null)
        {
            using var response = await owner.GetAsync(next);
            var page = await ChatApi.ReadAsync<List<ConversationView>>(response, HttpStatusCode.OK);
            pageSizes.Add(page.Count);
            seen.AddRange(page.Select(entry => entry.Peer!.UserId));
            next = response.Headers.TryGetValues("Link", out var links) ? NextPageOf(links.Single()) : null;
        }

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(Enumerable.Reverse(peers), seen);
    }

    private static string NextPageOf(string link)
    {
        Assert.EndsWith(">; rel=\"next\"", link);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }

    [Fact]
    public async Task Users_SearchAcrossShards_FindsThePeopleOfYourChatsOnEveryShardWithTheirShard()
    {
        using var anonymous = fixture.Api();
        var marker = "Zed" + Guid.NewGuid().ToString("N")[..6];
        var registered = new List<AuthResponse>();
        for (var i = 0; i < 3; i++)
        {
            var (api, auth) = await anonymous.RegisterAsync(name: $"{marker} {i}");
            api.Dispose();
            registered.Add(auth);
        }

        using var searcher = fixture.Api(registered[0].Token);
        foreach (var other in registered.Skip(1))
        {
            await searcher.SendAsync(other.UserId, "found you by number");
        }

        var found = await searcher.GetJsonAsync<List<UserView>>($"/api/users?query={marker}");

        Assert.Equal(registered.Select(user => user.UserId).Order(), found.Select(user => user.UserId));
        Assert.All(found, user => Assert.Equal((int)(user.UserId % 3), user.Shard));
        Assert.Equal(3, found.Select(user => user.Shard).Distinct().Count());
    }
}
