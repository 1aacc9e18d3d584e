using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
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
        var wrong = ChatProblems.From(new ChatError(ChatErrorCode.WrongCredentials, "Wrong user id or password."));
        if (RequestChecks.UserIdProblem(request.UserId, "userId") is not null || string.IsNullOrEmpty(request.Password))
        {
            return request.UserId is null || request.Password is null
                ? ChatProblems.BadRequest("userId and password are required.")
                : wrong;
        }

        var user = cluster.Client.GetGrain<IUserGrain>(request.UserId!.Value);
        var authenticated = await cluster.RetryAsync(_ => user.AuthenticateAsync(request.Password));
        return authenticated.IsSuccess
            ? TypedResults.Ok(new AuthResponse(authenticated.Value.UserId, authenticated.Value.DisplayName, tokens.Issue(authenticated.Value)))
            : ChatProblems.From(authenticated.Error);
    }
}
