using System.Globalization;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Chat lists and the directory are tables read a page at a time.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ChatListAndDirectoryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task GetChatListAsync_60ChatsInPagesOf25_WalksNewestFirstWithoutGapOrRepeat()
    {
        var cluster = await postgres.SharedClusterAsync();
        var owner = TestIds.User();
        await cluster.Grains.RegisterAsync(owner);
        var peers = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            var peer = TestIds.User();
            await cluster.Grains.RegisterAsync(peer);
            await cluster.Grains.SendAsync(peer, owner, $"chat {i}");
            peers.Add(peer);
        }

        var pages = new List<ChatListPage>();
        string? cursor = null;
        do
        {
            var page = await cluster.Grains.GetGrain<IUserGrain>(owner).GetChatListAsync(cursor, 25);
            Assert.True(page.IsSuccess, page.Error?.Detail);
            pages.Add(page.Value);
            cursor = page.Value.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([25, 25, 10], pages.Select(page => page.Entries.Count));
        Assert.Equal(Enumerable.Reverse(peers), pages.SelectMany(page => page.Entries).Select(entry => entry.PeerUserId!.Value));
        Assert.All(pages.SelectMany(page => page.Entries), entry => Assert.Equal(1, entry.UnreadCount));
    }

    [Theory]
    [InlineData("not a cursor", 10)]
    [InlineData("123.not-a-conversation", 10)]
    [InlineData(null, 0)]
    [InlineData(null, 101)]
    public async Task GetChatListAsync_BadCursorOrLimit_IsRefused(string? cursor, int limit)
    {
        var cluster = await postgres.SharedClusterAsync();

        var page = await cluster.Grains.GetGrain<IUserGrain>(TestIds.User()).GetChatListAsync(cursor, limit);

        Assert.Equal(ChatErrorCode.InvalidPaging, page.Error?.Code);
    }

    [Fact]
    public async Task Directory_SearchByNumberPrefixOrNamePrefixInAnyCase_FindsTheUserAmongThePeopleAsked()
    {
        var cluster = await postgres.SharedClusterAsync();
        var marker = "Qx" + Guid.NewGuid().ToString("N")[..6];
        var user = TestIds.User();
        await cluster.Grains.RegisterAsync(user, $"{marker} Lovelace");
        var directory = cluster.Grains.GetGrain<IUserDirectoryGrain>((int)(user % ChatTestCluster.ShardCount));

        var byNumber = await directory.SearchAsync(user.ToString(CultureInfo.InvariantCulture)[..^2], [user], 100);
        var byName = await directory.SearchAsync(marker.ToUpperInvariant(), [user], 100);
        var byWholeName = await directory.SearchAsync($"{marker.ToLowerInvariant()} love", [user], 100);

        Assert.Equal([user], byNumber.Select(entry => entry.UserId));
        Assert.Equal([user], byName.Select(entry => entry.UserId));
        Assert.Equal([user], byWholeName.Select(entry => entry.UserId));
    }

    [Fact]
    public async Task Directory_AStranger_IsFoundByTheirWholeNumberOnly()
    {
        var cluster = await postgres.SharedClusterAsync();
        var marker = "Sx" + Guid.NewGuid().ToString("N")[..6];
        var user = TestIds.User();
        await cluster.Grains.RegisterAsync(user, $"{marker} Stranger");
        var directory = cluster.Grains.GetGrain<IUserDirectoryGrain>((int)(user % ChatTestCluster.ShardCount));
        var number = user.ToString(CultureInfo.InvariantCulture);

        Assert.Empty(await directory.SearchAsync(marker, [], 100));
        Assert.DoesNotContain(user, (await directory.SearchAsync(number[..^1], [], 100)).Select(entry => entry.UserId));
        Assert.Equal([user], (await directory.SearchAsync(number, [], 100)).Select(entry => entry.UserId));
        Assert.Equal([user], (await directory.SearchAsync($" {number} ", [], 100)).Select(entry => entry.UserId));
    }

    [Fact]
    public async Task Directory_QueryOfFewerThanThreeCharacters_FindsNobody()
    {
        var cluster = await postgres.SharedClusterAsync();
        var marker = "Sh" + Guid.NewGuid().ToString("N")[..6];
        var user = TestIds.User();
        await cluster.Grains.RegisterAsync(user, marker);
        var directory = cluster.Grains.GetGrain<IUserDirectoryGrain>((int)(user % ChatTestCluster.ShardCount));
        var number = user.ToString(CultureInfo.InvariantCulture);

        Assert.Empty(await directory.SearchAsync(marker[..2], [user], 100));
        Assert.Empty(await directory.SearchAsync(number[..2], [user], 100));
        Assert.Empty(await directory.SearchAsync($"  {marker[..2]}  ", [user], 100));
        Assert.Empty(await directory.SearchAsync(string.Empty, [user], 100));
        Assert.Equal([user], (await directory.SearchAsync(marker[..3], [user], 100)).Select(entry => entry.UserId));
    }

    [Fact]
    public async Task Directory_SearchWithLikeWildcardsOrPastTheLimit_TakesThemLiterallyAndReturnsOnePage()
    {
        var cluster = await postgres.SharedClusterAsync();
        var marker = "Wc" + Guid.NewGuid().ToString("N")[..6];
        var users = Enumerable.Range(0, 6).Select(_ => TestIds.User(shard: 1)).ToList();
        foreach (var user in users)
        {
            await cluster.Grains.RegisterAsync(user, $"{marker} member");
        }

        var directory = cluster.Grains.GetGrain<IUserDirectoryGrain>(1);

        Assert.Equal(users.Take(4), (await directory.SearchAsync(marker, users, 4)).Select(entry => entry.UserId));
        Assert.Empty(await directory.SearchAsync("%", users, 10));
        Assert.Empty(await directory.SearchAsync(marker[..2] + "_" + marker[3..], users, 10));
    }
}
