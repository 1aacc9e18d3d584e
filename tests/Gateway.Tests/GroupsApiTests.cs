using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>Group membership over REST: what members, admins and everyone else may do, and the answers for bad input.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class GroupsApiTests(ChatSystemFixture fixture)
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
}
