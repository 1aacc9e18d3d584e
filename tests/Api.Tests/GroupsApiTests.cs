using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Api.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests;

/// <summary>
/// Groups over REST and the hub: what members, admins and everyone else may do, messages to every member's tabs, and
/// the answers for bad input.
/// </summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class GroupsApiTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task Group_CreatedAndChangedByItsAdmin_EachMemberSeesItAndAMemberLeaves()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (_, carolAuth) = await anonymous.RegisterAsync();

        using var createdResponse = await ada.PostJsonAsync("/api/groups", new { name = "Book club", memberIds = new[] { bobAuth.UserId } });
        var created = await ChatApi.ReadAsync<GroupView>(createdResponse, HttpStatusCode.Created);
        Assert.Equal($"/api/groups/{created.GroupId}", createdResponse.Headers.Location?.ToString());
        Assert.Equal([(adaAuth.UserId, true), (bobAuth.UserId, false)], created.Members.Select(member => (member.UserId, member.IsAdmin)));
        var seenByBob = await bob.GetJsonAsync<GroupView>($"/api/groups/{created.GroupId}");
        Assert.Equal((created.Name, created.CreatedBy), (seenByBob.Name, seenByBob.CreatedBy));
        Assert.Equal(created.Members, seenByBob.Members);

        using (var added = await ada.PostJsonAsync($"/api/groups/{created.GroupId}/members", new { userIds = new[] { carolAuth.UserId } }))
        {
            Assert.Equal(3, (await ChatApi.ReadAsync<GroupView>(added, HttpStatusCode.OK)).Members.Count);
        }

        using (var renamed = await ada.PutJsonAsync($"/api/groups/{created.GroupId}/name", new { name = "Reading club" }))
        {
            Assert.Equal("Reading club", (await ChatApi.ReadAsync<GroupView>(renamed, HttpStatusCode.OK)).Name);
        }

        using (var promoted = await ada.PostJsonAsync($"/api/groups/{created.GroupId}/admins/{bobAuth.UserId}", new { }))
        {
            Assert.True((await ChatApi.ReadAsync<GroupView>(promoted, HttpStatusCode.OK)).Members.Single(member => member.UserId == bobAuth.UserId).IsAdmin);
        }

        using (var left = await bob.DeleteAsync($"/api/groups/{created.GroupId}/members/{bobAuth.UserId}"))
        {
            Assert.DoesNotContain(bobAuth.UserId, (await ChatApi.ReadAsync<GroupView>(left, HttpStatusCode.OK)).Members.Select(member => member.UserId));
        }

        using (var afterLeaving = await bob.GetAsync($"/api/groups/{created.GroupId}"))
        {
            await ChatApi.ReadAsync<Problem>(afterLeaving, HttpStatusCode.Forbidden);
        }

        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Group_NonMemberAndNonAdminAndBadInput_GetProblemsAndChangeNothing()
    {
        using var anonymous = fixture.Api();
        var (ada, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        using var createdResponse = await ada.PostJsonAsync("/api/groups", new { name = "Club", memberIds = new[] { bobAuth.UserId } });
        var group = await ChatApi.ReadAsync<GroupView>(createdResponse, HttpStatusCode.Created);
        var path = $"/api/groups/{group.GroupId}";

        var refusals = new List<(string What, HttpResponseMessage Response, HttpStatusCode Expected)>
        {
            ("a non-member reads", await carol.GetAsync(path), HttpStatusCode.Forbidden),
            ("a non-member adds themself", await carol.PostJsonAsync($"{path}/members", new { userIds = new[] { carolAuth.UserId } }), HttpStatusCode.Forbidden),
            ("a member who is not admin adds", await bob.PostJsonAsync($"{path}/members", new { userIds = new[] { carolAuth.UserId } }), HttpStatusCode.Forbidden),
            ("a member who is not admin renames", await bob.PutJsonAsync($"{path}/name", new { name = "Bob's" }), HttpStatusCode.Forbidden),
            ("an empty name", await ada.PutJsonAsync($"{path}/name", new { name = "  " }), HttpStatusCode.BadRequest),
            ("an unregistered member", await ada.PostJsonAsync($"{path}/members", new { userIds = new[] { TestIds.User() } }), HttpStatusCode.NotFound),
            ("an impossible member id", await ada.PostJsonAsync($"{path}/members", new { userIds = new[] { 0L, bobAuth.UserId } }), HttpStatusCode.BadRequest),
            ("no members to add", await ada.PostJsonAsync($"{path}/members", new { userIds = Array.Empty<long>() }), HttpStatusCode.BadRequest),
            ("a group that does not exist", await ada.GetAsync($"/api/groups/{TestIds.User()}"), HttpStatusCode.NotFound),
            ("a group without a name", await ada.PostJsonAsync("/api/groups", new { memberIds = new[] { bobAuth.UserId } }), HttpStatusCode.BadRequest),
            ("members that are not numbers", await ada.PostRawAsync("/api/groups", """{"name":"Club","memberIds":"everyone"}"""), HttpStatusCode.BadRequest),
        };
        foreach (var (what, response, expected) in refusals)
        {
            using (response)
            {
                Assert.True(response.StatusCode == expected, $"{what}: {(int)response.StatusCode}, expected {(int)expected}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        var unchanged = await ada.GetJsonAsync<GroupView>(path);
        Assert.Equal("Club", unchanged.Name);
        Assert.Equal(group.Members, unchanged.Members);
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task GroupMessages_SentOverRestAndHub_ReachEveryMembersTab_AndMessageInfoSaysWhoRead()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        var group = await CreateGroupAsync(ada, "Club", bobAuth.UserId, carolAuth.UserId);
        await using var bobsTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        await using var carolsTab = await HubSession.ConnectAsync(fixture.GatewayUrl, carolAuth.Token);
        await using var adasTab = await HubSession.ConnectAsync(fixture.GatewayUrl, adaAuth.Token);

        using var sentResponse = await ada.PostJsonAsync($"/api/groups/{group.GroupId}/messages", new { content = "hello club", clientMessageId = "c-1" });
        var sent = await ChatApi.ReadAsync<Message>(sentResponse, HttpStatusCode.Created);
        using var retriedResponse = await ada.PostJsonAsync($"/api/groups/{group.GroupId}/messages", new { content = "hello club", clientMessageId = "c-1" });
        Assert.Equal(sent.Id, (await ChatApi.ReadAsync<Message>(retriedResponse, HttpStatusCode.OK)).Id);
        var reply = await bobsTab.Connection.InvokeAsync<Message>("SendGroupMessage", group.GroupId, "hi ada", "b-1");

        Assert.Equal(($"g{group.GroupId}", (long?)group.GroupId, (long?)null, "text"), (sent.ConversationId, sent.GroupId, sent.ToUserId, sent.Kind));
        foreach (var tab in new[] { bobsTab, carolsTab, adasTab })
        {
            Assert.Equal(sent.Id, (await tab.NextAsync<Message>(message => message.Sequence == sent.Sequence)).Id);
            Assert.Equal(reply.Id, (await tab.NextAsync<Message>(message => message.Sequence == reply.Sequence)).Id);
        }

        var history = await carol.GetJsonAsync<HistoryPage>($"/api/groups/{group.GroupId}/messages");
        Assert.Equal(["created", "text", "text"], history.Messages.Select(message => message.Change?.Kind ?? message.Kind));
        Assert.Equal([adaAuth.UserId, bobAuth.UserId, carolAuth.UserId], history.Messages[0].Change!.UserIds);

        foreach (var reader in new[] { bob, carol })
        {
            using var read = await reader.PostJsonAsync($"/api/conversations/{sent.ConversationId}/read", new { upToSequence = reply.Sequence });
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        }

        var readReceipt = await adasTab.NextAsync<ReceiptEvent>(receipt => receipt.Kind == "read");
        Assert.Equal((carolAuth.UserId, reply.Sequence), (readReceipt.UserId, readReceipt.UpToSequence));
        var info = await ada.GetJsonAsync<MessageInfoView>($"/api/conversations/{sent.ConversationId}/messages/{sent.Sequence}/info");
        Assert.Equal([bobAuth.UserId, carolAuth.UserId], info.ReadBy.Order());
        Assert.Empty(info.Pending);

        var carolsLine = await Eventually.ReturnsAsync(
            async () => (await carol.InboxAsync()).SingleOrDefault(line => line.GroupId == group.GroupId),
            line => line?.LastMessage.Sequence == reply.Sequence,
            TimeSpan.FromSeconds(10),
            "Carol's chat list shows the group's newest message");
        Assert.Equal(new GroupSummaryView(group.GroupId, "Club", IsMember: true), carolsLine!.Group);
        Assert.Null(carolsLine.Peer);
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task GroupMessages_NonMemberRemovedMemberAndBadInput_GetProblemsAndStoreNothing()
    {
        using var anonymous = fixture.Api();
        var (ada, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        var (stranger, _) = await anonymous.RegisterAsync();
        var group = await CreateGroupAsync(ada, "Club", bobAuth.UserId, carolAuth.UserId);
        var messages = $"/api/groups/{group.GroupId}/messages";
        using (var first = await bob.PostJsonAsync(messages, new { content = "from bob" }))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var removed = await ada.DeleteAsync($"/api/groups/{group.GroupId}/members/{carolAuth.UserId}"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        var conversation = $"g{group.GroupId}";
        var refusals = new List<(string What, HttpResponseMessage Response, HttpStatusCode Expected)>
        {
            ("a non-member sends", await stranger.PostJsonAsync(messages, new { content = "let me in" }), HttpStatusCode.Forbidden),
            ("a non-member reads", await stranger.GetAsync(messages), HttpStatusCode.Forbidden),
            ("a non-member marks read", await stranger.PostJsonAsync($"/api/conversations/{conversation}/read", new { upToSequence = 1 }), HttpStatusCode.Forbidden),
            ("a removed member sends", await carol.PostJsonAsync(messages, new { content = "still here?" }), HttpStatusCode.Forbidden),
            ("someone else's message info", await ada.GetAsync($"/api/conversations/{conversation}/messages/2/info"), HttpStatusCode.Forbidden),
            ("info of a message that does not exist", await bob.GetAsync($"/api/conversations/{conversation}/messages/99/info"), HttpStatusCode.BadRequest),
            ("empty content", await ada.PostJsonAsync(messages, new { content = "   " }), HttpStatusCode.BadRequest),
            ("a change's clientMessageId", await ada.PostJsonAsync(messages, new { content = "posing", clientMessageId = "group-change:9" }), HttpStatusCode.BadRequest),
            ("an impossible group id", await ada.PostJsonAsync("/api/groups/0/messages", new { content = "hello" }), HttpStatusCode.NotFound),
            ("content that is not text", await ada.PostRawAsync(messages, """{"content":42}"""), HttpStatusCode.BadRequest),
        };
        foreach (var (what, response, expected) in refusals)
        {
            using (response)
            {
                Assert.True(response.StatusCode == expected, $"{what}: {(int)response.StatusCode}, expected {(int)expected}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        // Nothing was stored; Carol still reads, read-only, what came before her removal.
        Assert.Equal(["created", "text", "removed"], (await ada.GetJsonAsync<HistoryPage>(messages)).Messages.Select(message => message.Change?.Kind ?? message.Kind));
        Assert.Equal(["created", "text", "removed"], (await carol.GetJsonAsync<HistoryPage>(messages)).Messages.Select(message => message.Change?.Kind ?? message.Kind));
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
        stranger.Dispose();
    }

    private static async Task<GroupView> CreateGroupAsync(ChatApi admin, string name, params long[] memberIds)
    {
        using var response = await admin.PostJsonAsync("/api/groups", new { name, memberIds });
        return await ChatApi.ReadAsync<GroupView>(response, HttpStatusCode.Created);
    }
}
