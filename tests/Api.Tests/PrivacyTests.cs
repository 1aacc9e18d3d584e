using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Api.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests;

/// <summary>
/// What a stranger (someone with no conversation with you) may learn and do: given your whole number, that it is
/// registered and your name; nothing of your presence; no typing or marks toward you; and no finding you by name.
/// </summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class PrivacyTests(InProcessChatSystem fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UserLookupAndSearch_ByAStranger_FindByWholeNumberOnly_ShowNameButNeitherOnlineNorLastSeen()
    {
        using var anonymous = fixture.Api();
        var marker = "Pv" + Guid.NewGuid().ToString("N")[..8];
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync(name: $"{marker} Bob");
        var (carol, _) = await anonymous.RegisterAsync();
        await alice.SendAsync(bobAuth.UserId, "we are contacts");
        await bob.SendAsync(aliceAuth.UserId, "we are");
        bob.Dispose();
        await (await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token)).DisposeAsync();
        var seenByContact = await Eventually.ReturnsAsync(
            () => alice.GetJsonAsync<UserView>($"/api/users/{bobAuth.UserId}"), bob => bob.LastSeen is not null, Bound, "Bob's last seen");

        var lookedUpByStranger = await carol.GetJsonAsync<JsonElement>($"/api/users/{bobAuth.UserId}");
        var foundByStranger = (await carol.GetJsonAsync<JsonElement[]>($"/api/users?query={bobAuth.UserId}")).Single();
        var foundByContact = (await alice.GetJsonAsync<UserView[]>($"/api/users?query={marker}")).Single();

        Assert.Empty(await carol.GetJsonAsync<JsonElement[]>($"/api/users?query={marker}"));
        // The number short of its last digit is a whole number too, which may be someone else's: Bob is not found by it.
        Assert.DoesNotContain(
            (await carol.GetJsonAsync<JsonElement[]>($"/api/users?query={bobAuth.UserId.ToString(CultureInfo.InvariantCulture)[..^1]}")).Select(user => user.GetProperty("userId").GetInt64()),
            userId => userId == bobAuth.UserId);

        Assert.False(seenByContact.Online);
        Assert.Equal(seenByContact.LastSeen, foundByContact.LastSeen);
        foreach (var seenByStranger in new[] { lookedUpByStranger, foundByStranger })
        {
            Assert.Equal(bobAuth.UserId, seenByStranger.GetProperty("userId").GetInt64());
            Assert.Equal($"{marker} Bob", seenByStranger.GetProperty("displayName").GetString());
            Assert.False(seenByStranger.TryGetProperty("online", out _), seenByStranger.ToString());
            Assert.False(seenByStranger.TryGetProperty("lastSeen", out _), seenByStranger.ToString());
        }

        alice.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task LastSeenAndOnline_Nobody_HidesItFromContactsAtOnce_Everyone_ShowsItToStrangers()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, _) = await anonymous.RegisterAsync();
        await ada.SendAsync(bobAuth.UserId, "hi Bob");
        await bob.SendAsync(adaAuth.UserId, "hi Ada");
        await using var bobsTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        await using var adasTab = await HubSession.ConnectAsync(fixture.GatewayUrl, adaAuth.Token);
        await bobsTab.NextAsync<PresenceEvent>(presence => presence is { Online: true } && presence.UserId == adaAuth.UserId);
        Assert.Equal("contacts", (await ada.GetJsonAsync<JsonElement>("/api/users/me/privacy")).GetProperty("presence").GetString());

        using (var hidden = await ada.PutJsonAsync("/api/users/me/privacy", new { presence = "nobody" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, hidden.StatusCode);
        }

        Assert.True((await bobsTab.NextAsync<PresenceEvent>(presence => presence.UserId == adaAuth.UserId)).Hidden);
        var seenByContact = await bob.GetJsonAsync<JsonElement>($"/api/users/{adaAuth.UserId}");
        Assert.False(seenByContact.TryGetProperty("online", out _), seenByContact.ToString());
        Assert.False(seenByContact.TryGetProperty("lastSeen", out _), seenByContact.ToString());

        using (var shown = await ada.PutJsonAsync("/api/users/me/privacy", new { presence = "everyone" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, shown.StatusCode);
        }

        Assert.True((await carol.GetJsonAsync<UserView>($"/api/users/{adaAuth.UserId}")).Online);
        using var nonsense = await ada.PutJsonAsync("/api/users/me/privacy", new { presence = "friends" });
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Equal("everyone", (await ada.GetJsonAsync<JsonElement>("/api/users/me/privacy")).GetProperty("presence").GetString());
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task Block_TheirMessagesAndGroupAddsAreRefused_YourPresenceHiddenFromThem_YourChatStays_UnblockRestores()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        await bob.SendAsync(adaAuth.UserId, "hi Ada");
        await ada.SendAsync(bobAuth.UserId, "hi Bob");
        await using var adasTab = await HubSession.ConnectAsync(fixture.GatewayUrl, adaAuth.Token);
        await Eventually.ReturnsAsync(() => bob.GetJsonAsync<UserView>($"/api/users/{adaAuth.UserId}"), seen => seen.Online == true, Bound, "Ada online to Bob");

        using (var blocked = await ada.PostJsonAsync($"/api/users/{bobAuth.UserId}/block", new { }))
        {
            Assert.Equal(HttpStatusCode.NoContent, blocked.StatusCode);
        }

        using var message = await bob.PostJsonAsync("/api/messages", new { toUserId = adaAuth.UserId, content = "let me in" });
        using var group = await bob.PostJsonAsync("/api/groups", new { name = "Trap", memberIds = new[] { adaAuth.UserId, carolAuth.UserId } });
        var seenByBob = await bob.GetJsonAsync<JsonElement>($"/api/users/{adaAuth.UserId}");

        Assert.Equal([bobAuth.UserId], await ada.GetJsonAsync<List<long>>("/api/users/blocked"));
        Assert.Equal("Blocked", (await ChatApi.ReadAsync<Problem>(message, HttpStatusCode.Forbidden)).Code);
        Assert.Equal("Blocked", (await ChatApi.ReadAsync<Problem>(group, HttpStatusCode.Forbidden)).Code);
        Assert.False(seenByBob.TryGetProperty("online", out _), seenByBob.ToString());
        Assert.False(seenByBob.TryGetProperty("lastSeen", out _), seenByBob.ToString());
        Assert.Equal(["hi Ada", "hi Bob"], (await ada.HistoryAsync(adaAuth.UserId, bobAuth.UserId)).Messages.Select(sent => sent.Content));
        Assert.Empty(await carol.InboxAsync()); // the refused group was never made

        using (var unblocked = await ada.DeleteAsync($"/api/users/{bobAuth.UserId}/block"))
        {
            Assert.Equal(HttpStatusCode.NoContent, unblocked.StatusCode);
        }

        Assert.Equal("welcome back", (await bob.SendAsync(adaAuth.UserId, "welcome back")).Content);
        Assert.Empty(await ada.GetJsonAsync<List<long>>("/api/users/blocked"));
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Theory]
    [InlineData("")]
    [InlineData("?query=")]
    [InlineData("?query=44")]
    [InlineData("?query=Al")]
    [InlineData("?query=%20%20Al%20%20")]
    public async Task Search_WithFewerThanThreeCharacters_IsRefusedWith400(string queryString)
    {
        using var anonymous = fixture.Api();
        var (caller, _) = await anonymous.RegisterAsync();

        using var response = await caller.GetAsync($"/api/users{queryString}");

        var problem = await ChatApi.ReadAsync<Problem>(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidSearchQuery", problem.Code);
        Assert.Contains("3 to 64 characters", problem.Detail, StringComparison.Ordinal);
        caller.Dispose();
    }

    [Fact]
    public async Task Search_ManyMatches_ReturnsOnePageOfAtMostTheLimitInIdOrder()
    {
        using var anonymous = fixture.Api();
        var marker = "Pg" + Guid.NewGuid().ToString("N")[..8];
        var (caller, _) = await anonymous.RegisterAsync();
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var (_, match) = await anonymous.RegisterAsync(name: $"{marker} {i}");
            await caller.SendAsync(match.UserId, "hello");
            ids.Add(match.UserId);
        }

        var page = await caller.GetJsonAsync<UserView[]>($"/api/users?query={marker}&limit=3");

        Assert.Equal(ids.Order().Take(3), page.Select(user => user.UserId));
        caller.Dispose();
    }

    [Fact]
    public async Task Search_ByName_FindsThePeopleOfYourChatsAndOfYourGroups_NotAStrangerOfTheSameName()
    {
        using var anonymous = fixture.Api();
        var marker = "Ac" + Guid.NewGuid().ToString("N")[..8];
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var adaId = adaAuth.UserId;
        var (_, wroteToAda) = await anonymous.RegisterAsync(name: $"{marker} writer");
        var (_, inAdasGroup) = await anonymous.RegisterAsync(name: $"{marker} member");
        var (_, inAGroupAdaLeft) = await anonymous.RegisterAsync(name: $"{marker} former");
        var (_, stranger) = await anonymous.RegisterAsync(name: $"{marker} stranger");
        using var writer = fixture.Api(wroteToAda.Token);
        await writer.SendAsync(adaId, "you do not know me yet");
        await CreateGroupAsync(ada, "Stays", inAdasGroup.UserId);
        var left = await CreateGroupAsync(ada, "Left", inAGroupAdaLeft.UserId);
        (await ada.DeleteAsync($"/api/groups/{left}/members/{adaId}")).EnsureSuccessStatusCode();

        var found = await ada.GetJsonAsync<UserView[]>($"/api/users?query={marker}");

        Assert.Equal(new[] { wroteToAda.UserId, inAdasGroup.UserId }.Order(), found.Select(user => user.UserId));
        Assert.Equal([stranger.UserId], (await ada.GetJsonAsync<UserView[]>($"/api/users?query={stranger.UserId}")).Select(user => user.UserId));
        ada.Dispose();
    }

    private static async Task<long> CreateGroupAsync(ChatApi admin, string name, long memberId)
    {
        using var response = await admin.PostJsonAsync("/api/groups", new { name, memberIds = new[] { memberId } });
        return (await ChatApi.ReadAsync<JsonElement>(response, HttpStatusCode.Created)).GetProperty("groupId").GetInt64();
    }

    [Fact]
    public async Task TypingAndMarks_TowardSomeoneWithNoConversation_AreRefusedAndPushNothing()
    {
        using var anonymous = fixture.Api();
        var (_, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        var (a, b) = (aliceAuth.UserId, bobAuth.UserId);
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        await using var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        var withBob = TestIds.Conversation(a, b);
        var nobody = TestIds.User();
        var withNobody = TestIds.Conversation(a, nobody);

        foreach (var (method, arguments) in new (string, object[])[]
        {
            ("Typing", [withBob, true]),
            ("MarkDelivered", [withBob, 1L]),
            ("MarkRead", [withBob, 1L]),
            ("Typing", [withNobody, true]),
        })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => aliceTab.Connection.InvokeCoreAsync(method, arguments));
            Assert.Contains("no messages yet", refused.Message, StringComparison.Ordinal);
        }

        var marker = await aliceTab.Connection.InvokeAsync<Message>("SendMessage", b, "now there is a conversation", null);
        Assert.DoesNotContain(await bobTab.EventsBeforeAsync<Message>(message => message.Id == marker.Id), @event => @event is TypingEvent or ReceiptEvent);
    }
}
