using System.Net;
using System.Text.Json;
using WhatsApp.Api.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests;

/// <summary>
/// Malformed requests from a logged-in user. Each gets its own 4xx with a problem body that says what is wrong;
/// none gets a 5xx; and after all of them, nothing in the system has changed.
/// </summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class MalformedRequestTests(InProcessChatSystem fixture)
{
    // {a} is the caller, {b} another registered user, {nobody} an unregistered id, {new} an id nobody may end up registering.
    public static TheoryData<string, string, string, string, int> Cases => new()
    {
        { "register: empty object", "POST", "/api/auth/register", "{}", 400 },
        { "register: userId as a string", "POST", "/api/auth/register", """{"userId":"{new}","displayName":"x","password":"password1"}""", 400 },
        { "register: negative userId", "POST", "/api/auth/register", """{"userId":-5,"displayName":"x","password":"password1"}""", 400 },
        { "register: zero userId", "POST", "/api/auth/register", """{"userId":0,"displayName":"x","password":"password1"}""", 400 },
        { "register: 16-digit userId", "POST", "/api/auth/register", """{"userId":1000000000000000,"displayName":"x","password":"password1"}""", 400 },
        { "register: userId beyond 64 bits", "POST", "/api/auth/register", """{"userId":100000000000000000000000000000,"displayName":"x","password":"password1"}""", 400 },
        { "register: fractional userId", "POST", "/api/auth/register", """{"userId":1.5,"displayName":"x","password":"password1"}""", 400 },
        { "register: empty displayName", "POST", "/api/auth/register", """{"userId":{new},"displayName":"","password":"password1"}""", 400 },
        { "register: 65-character displayName", "POST", "/api/auth/register", $$"""{"userId":{new},"displayName":"{{new string('n', 65)}}","password":"password1"}""", 400 },
        { "register: displayName as a number", "POST", "/api/auth/register", """{"userId":{new},"displayName":42,"password":"password1"}""", 400 },
        { "register: 7-character password", "POST", "/api/auth/register", """{"userId":{new},"displayName":"x","password":"1234567"}""", 400 },
        { "register: 129-character password", "POST", "/api/auth/register", $$"""{"userId":{new},"displayName":"x","password":"{{new string('p', 129)}}"}""", 400 },
        { "register: invalid JSON", "POST", "/api/auth/register", """{"userId":""", 400 },
        { "register: JSON null", "POST", "/api/auth/register", "null", 400 },
        { "register: JSON array", "POST", "/api/auth/register", "[]", 400 },
        { "login: missing password", "POST", "/api/auth/login", """{"userId":{a}}""", 400 },
        { "send: empty object", "POST", "/api/messages", "{}", 400 },
        { "send: toUserId as a string", "POST", "/api/messages", """{"toUserId":"{b}","content":"hi"}""", 400 },
        { "send: negative toUserId", "POST", "/api/messages", """{"toUserId":-1,"content":"hi"}""", 400 },
        { "send: huge toUserId", "POST", "/api/messages", """{"toUserId":1e20,"content":"hi"}""", 400 },
        { "send: to oneself", "POST", "/api/messages", """{"toUserId":{a},"content":"hi"}""", 400 },
        { "send: missing content", "POST", "/api/messages", """{"toUserId":{b}}""", 400 },
        { "send: empty content", "POST", "/api/messages", """{"toUserId":{b},"content":""}""", 400 },
        { "send: blank content", "POST", "/api/messages", """{"toUserId":{b},"content":"  \n\t "}""", 400 },
        { "send: 4097-character content", "POST", "/api/messages", $$"""{"toUserId":{b},"content":"{{new string('x', 4097)}}"}""", 400 },
        { "send: content as a number", "POST", "/api/messages", """{"toUserId":{b},"content":12}""", 400 },
        { "send: content as an object", "POST", "/api/messages", """{"toUserId":{b},"content":{"text":"hi"}}""", 400 },
        { "send: 65-character clientMessageId", "POST", "/api/messages", $$"""{"toUserId":{b},"content":"hi","clientMessageId":"{{new string('c', 65)}}"}""", 400 },
        { "send: unregistered recipient", "POST", "/api/messages", """{"toUserId":{nobody},"content":"hi"}""", 404 },
        { "send: invalid JSON", "POST", "/api/messages", """{"toUserId":{b},"content":"hi""", 400 },
        { "send: body over 64 KiB", "POST", "/api/messages", $$"""{"toUserId":{b},"content":"{{new string('x', 70_000)}}"}""", 413 },
        { "send: plain-text body", "POST", "/api/messages", "hello", 415 },
        { "history: same user twice", "GET", "/api/conversations/{a}/{a}", "", 400 },
        { "history: negative id", "GET", "/api/conversations/-3/{a}", "", 400 },
        { "history: limit 0", "GET", "/api/conversations/{a}/{b}?limit=0", "", 400 },
        { "history: limit 1000", "GET", "/api/conversations/{a}/{b}?limit=1000", "", 400 },
        { "history: limit not a number", "GET", "/api/conversations/{a}/{b}?limit=ten", "", 400 },
        { "history: negative beforeSequence", "GET", "/api/conversations/{a}/{b}?beforeSequence=-1", "", 400 },
        { "history: beforeSequence beyond 64 bits", "GET", "/api/conversations/{a}/{b}?beforeSequence=99999999999999999999", "", 400 },
        { "read: not a conversation id", "POST", "/api/conversations/not-an-id/read", """{"upToSequence":1}""", 400 },
        { "read: ids in the wrong order", "POST", "/api/conversations/{b}-{a}/read", """{"upToSequence":1}""", 400 },
        { "read: missing upToSequence", "POST", "/api/conversations/{ab}/read", "{}", 400 },
        { "read: sequence of no message", "POST", "/api/conversations/{ab}/read", """{"upToSequence":5}""", 400 },
        { "read: upToSequence as a string", "POST", "/api/conversations/{ab}/read", """{"upToSequence":"1"}""", 400 },
        { "chat list: limit 0", "GET", "/api/conversations?limit=0", "", 400 },
        { "chat list: limit 101", "GET", "/api/conversations?limit=101", "", 400 },
        { "chat list: made-up cursor", "GET", "/api/conversations?before=yesterday", "", 400 },
        { "users: limit 0", "GET", "/api/users?limit=0", "", 400 },
        { "users: limit 101", "GET", "/api/users?limit=101", "", 400 },
        { "users: 65-character query", "GET", $"/api/users?query={new string('q', 65)}", "", 400 },
        { "user: negative id", "GET", "/api/users/-5", "", 400 },
        { "user: unregistered", "GET", "/api/users/{nobody}", "", 404 },
        { "recent: limit 0", "GET", "/api/messages/{a}?limit=0", "", 400 },
    };

    [Fact]
    public async Task MalformedRequests_EachGetsItsOwn4xxProblem_AndNothingChanges()
    {
        using var anonymous = fixture.Api();
        var (caller, callerAuth) = await anonymous.RegisterAsync();
        var (other, otherAuth) = await anonymous.RegisterAsync();
        var (a, b, nobody, fresh) = (callerAuth.UserId, otherAuth.UserId, TestIds.User(), TestIds.User());
        var conversation = TestIds.Conversation(a, b);
        string Fill(string text) => text
            .Replace("{ab}", conversation, StringComparison.Ordinal)
            .Replace("{a}", a.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{b}", b.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{nobody}", nobody.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{new}", fresh.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var failures = new List<string>();
        foreach (var (name, method, path, body, expected) in Cases.Select(row => ((string)row[0], (string)row[1], (string)row[2], (string)row[3], (int)row[4])))
        {
            using var response = method == "GET"
                ? await caller.GetAsync(Fill(path))
                : await caller.PostRawAsync(Fill(path), Fill(body), name.EndsWith("plain-text body", StringComparison.Ordinal) ? "text/plain" : "application/json");
            var text = await response.Content.ReadAsStringAsync();
            var detail = TryReadDetail(text);
            if ((int)response.StatusCode != expected
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || string.IsNullOrWhiteSpace(detail))
            {
                failures.Add($"{name}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {text}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Nothing changed: no conversation, no message, nobody registered under the ids the requests named.
        Assert.Empty(await caller.InboxAsync());
        Assert.Empty(await other.InboxAsync());
        Assert.Empty((await caller.HistoryAsync(a, b)).Messages);
        foreach (var id in new[] { fresh, nobody })
        {
            using var lookup = await caller.GetAsync($"/api/users/{id}");
            Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        }

        caller.Dispose();
        other.Dispose();
    }

    [Theory]
    [InlineData("""{"toUserId":"12","content":"hi"}""", "(wrong type at $.toUserId)")]
    [InlineData("""{"toUserId":12,"content":true}""", "(wrong type at $.content)")]
    [InlineData("""{"toUserId":12,"content":"hi""", "(invalid JSON at $.content)")]
    [InlineData("""{"toUserId":12,,"content":"hi"}""", "(invalid JSON at $)")]
    public async Task Send_BodyNotOfTheContract_SaysWhetherItIsMalformedOrMistypedAndWhere(string body, string expected)
    {
        using var anonymous = fixture.Api();
        var (caller, _) = await anonymous.RegisterAsync();
        using (caller)
        {
            using var response = await caller.PostRawAsync("/api/messages", body);
            var problem = await ChatApi.ReadAsync<Problem>(response, HttpStatusCode.BadRequest);
            Assert.EndsWith(expected, problem.Detail, StringComparison.Ordinal);
        }
    }

    private static string? TryReadDetail(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<Problem>(body, ContractJson.Options)?.Detail;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
