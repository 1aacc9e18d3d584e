using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/register", RegisterAsync);
        auth.MapPost("/login", LoginAsync);
        return app;
    }

    private static async Task<IResult> RegisterAsync(RegisterRequest request, ChatCluster cluster, TokenIssuer tokens)
    {
        if (RequestChecks.UserIdProblem(request.UserId, "userId") is { } problem)
        {
            return ChatProblems.BadRequest(problem);
        }

        var user = cluster.Client.GetGrain<IUserGrain>(request.UserId!.Value);
        var registered = await cluster.OnceAsync(_ => user.RegisterAsync(request.DisplayName ?? string.Empty, request.Password ?? string.Empty));
        return registered.IsSuccess
            ? TypedResults.Created($"/api/users/{registered.Value.UserId}", new AuthResponse(registered.Value.UserId, registered.Value.DisplayName, tokens.Issue(registered.Value)))
            : ChatProblems.From(registered.Error);
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, ChatCluster cluster, TokenIssuer tokens)
    {
        if (request.UserId is not { } userId || request.Password is null)
        {
            return ChatProblems.BadRequest("userId and password are required.");
        }

        // An id nobody can hold gets the same answer as a wrong password, without a trip to the cluster.
        var authenticated = UserIds.IsValid(userId)
            ? await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).AuthenticateAsync(request.Password))
            : ChatResult.Fail<UserProfile>(ChatErrorCode.WrongCredentials, "Wrong user id or password.");
        return authenticated.IsSuccess
            ? TypedResults.Ok(new AuthResponse(authenticated.Value.UserId, authenticated.Value.DisplayName, tokens.Issue(authenticated.Value)))
            : ChatProblems.From(authenticated.Error);
    }
}
