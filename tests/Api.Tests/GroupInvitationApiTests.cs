using System.Net;
using WhatsApp.Api.Tests.Infrastructure;

namespace WhatsApp.Api.Tests;

/// <summary>
/// Nobody puts you into a group you did not choose, over REST and the hub against real processes: with "my contacts",
/// a stranger's group is an invitation and its messages reach you only after you accept; leaving a group means an
/// admin can only invite you back.
/// </summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class GroupInvitationApiTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task OnlyContactsMayAdd_AStrangersGroupIsAnInvitation_ItsMessagesReachYouOnlyAfterYouJoin()
    {
        using var anonymous = fixture.Api();
        var (stranger, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        using (var set = await bob.PutJsonAsync("/api/users/me/privacy", new { groupAdds = "contacts" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        }

        Assert.Equal("contacts", (await bob.GetJsonAsync<PrivacyView>("/api/users/me/privacy")).GroupAdds);
        await using var bobsTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);

        using var createdResponse = await stranger.PostJsonAsync("/api/groups", new { name = "Great offers", memberIds = new[] { bobAuth.UserId } });
        var created = await ChatApi.ReadAsync<GroupView>(createdResponse, HttpStatusCode.Created);
        Assert.DoesNotContain(bobAuth.UserId, created.Members.Select(member => member.UserId));
        Assert.Equal([bobAuth.UserId], created.Invited);
        var pushed = await bobsTab.NextAsync<GroupInvitationView>();
        Assert.Equal((created.GroupId, "Great offers"), (pushed.GroupId, pushed.GroupName));
        Assert.Equal([created.GroupId], (await bob.GetJsonAsync<List<GroupInvitationView>>("/api/groups/invitations")).Select(invitation => invitation.GroupId));
        await SendToGroupAsync(stranger, created.GroupId, "buy now");
        using (var notYours = await bob.GetAsync($"/api/groups/{created.GroupId}/messages"))
        {
            await ChatApi.ReadAsync<Problem>(notYours, HttpStatusCode.Forbidden);
        }

        using (var joinedResponse = await bob.PostJsonAsync($"/api/groups/{created.GroupId}/join", new { }))
        {
            var joined = await ChatApi.ReadAsync<GroupView>(joinedResponse, HttpStatusCode.OK);
            Assert.Contains(bobAuth.UserId, joined.Members.Select(member => member.UserId));
            Assert.Empty(joined.Invited!);
        }

        await SendToGroupAsync(stranger, created.GroupId, "welcome");
        var beforeWelcome = await bobsTab.EventsBeforeAsync<Message>(message => message.Content == "welcome");
        Assert.DoesNotContain(beforeWelcome.OfType<Message>(), message => message.Content == "buy now");
        Assert.Contains(beforeWelcome.OfType<Message>(), message => message.Change?.Kind == "joined");
        Assert.Empty(await bob.GetJsonAsync<List<GroupInvitationView>>("/api/groups/invitations"));
        using (var again = await bob.PostJsonAsync($"/api/groups/{created.GroupId}/join", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        stranger.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task LeftByThemself_TheAdminCanOnlyInviteThemBack_DecliningLeavesThemOut()
    {
        using var anonymous = fixture.Api();
        var (ada, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        using var createdResponse = await ada.PostJsonAsync("/api/groups", new { name = "Club", memberIds = new[] { bobAuth.UserId } });
        var groupId = (await ChatApi.ReadAsync<GroupView>(createdResponse, HttpStatusCode.Created)).GroupId;
        (await bob.DeleteAsync($"/api/groups/{groupId}/members/{bobAuth.UserId}")).EnsureSuccessStatusCode();

        using var readdedResponse = await ada.PostJsonAsync($"/api/groups/{groupId}/members", new { userIds = new[] { bobAuth.UserId } });
        var readded = await ChatApi.ReadAsync<GroupView>(readdedResponse, HttpStatusCode.OK);
        using var declined = await bob.DeleteAsync($"/api/groups/{groupId}/invitation");
        using var acceptedAfterDeclining = await bob.PostJsonAsync($"/api/groups/{groupId}/join", new { });

        Assert.DoesNotContain(bobAuth.UserId, readded.Members.Select(member => member.UserId));
        Assert.Equal([bobAuth.UserId], readded.Invited);
        Assert.Equal(HttpStatusCode.NoContent, declined.StatusCode);
        Assert.Equal("NoInvitation", (await ChatApi.ReadAsync<Problem>(acceptedAfterDeclining, HttpStatusCode.NotFound)).Code);
        Assert.DoesNotContain(bobAuth.UserId, (await ada.GetJsonAsync<GroupView>($"/api/groups/{groupId}")).Members.Select(member => member.UserId));
        ada.Dispose();
        bob.Dispose();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"groupAdds\":\"nobody\"}")]
    [InlineData("{\"presence\":\"everyone\",\"groupAdds\":7}")]
    public async Task Privacy_WithoutAKnownSetting_IsRefusedWith400AndChangesNothing(string body)
    {
        using var anonymous = fixture.Api();
        var (bob, _) = await anonymous.RegisterAsync();

        using var put = await bob.PutRawAsync("/api/users/me/privacy", body);

        await ChatApi.ReadAsync<Problem>(put, HttpStatusCode.BadRequest);
        var unchanged = await bob.GetJsonAsync<PrivacyView>("/api/users/me/privacy");
        Assert.Equal(("contacts", "everyone"), (unchanged.Presence, unchanged.GroupAdds));
        bob.Dispose();
    }

    private static async Task SendToGroupAsync(ChatApi member, long groupId, string content)
    {
        using var response = await member.PostJsonAsync($"/api/groups/{groupId}/messages", new { content });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private sealed record PrivacyView(string Presence, string GroupAdds);
}
