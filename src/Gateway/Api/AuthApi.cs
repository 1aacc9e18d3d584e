using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

public static partial class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/register", RegisterAsync);
        auth.MapPost("/login", LoginAsync);
        auth.MapPost("/logout-all", LogoutEverywhereAsync).RequireAuthorization().WithCost(Costs.Wide);
        return app;
    }

    /// <summary>What sign-in needs besides the request: one parameter, so the handlers' signatures stay short.</summary>
    private sealed record SignInServices(
        ChatCluster Cluster, TokenIssuer Tokens, PasswordHasher Hasher, SignInThrottle Throttle, SignInAllowance Allowance, ILogger<SignInServices> Logger);

    private static async Task<IResult> RegisterAsync(RegisterRequest request, [AsParameters] SignInServices services, HttpContext http)
    {
        // Every check that needs no hash comes first: a refused request must not cost a hash.
        if (RequestChecks.UserIdProblem(request.UserId, "userId") is { } problem)
        {
            return ChatProblems.BadRequest(problem);
        }

        var name = UserLimits.NormalizeDisplayName(request.DisplayName);
        var invalid = name.IsSuccess ? UserLimits.ValidatePassword(request.Password) : name.Error;
        if (invalid is not null)
        {
            return ChatProblems.From(invalid);
        }

        var userId = request.UserId!.Value;
        var address = http.Connection.RemoteIpAddress;
        if (!services.Allowance.TryRegister(address))
        {
            return OverAllowance(http, services.Allowance.RegistrationRefusal);
        }

        if (await services.Throttle.RetryAfterAsync(address, userId, http.RequestAborted) is { } wait)
        {
            return Throttled(http, wait);
        }

        var hash = await services.Hasher.HashAsync(request.Password!, HashTurn.Registration, http.RequestAborted);
        var registered = await services.Cluster.OnceAsync(grains => grains.GetGrain<IUserGrain>(userId).RegisterAsync(name.Value!, hash));
        if (!registered.IsSuccess)
        {
            // Trying taken ids is how one finds out which exist: it counts as a failure like a wrong password.
            await services.Throttle.RecordFailureAsync(address, userId, http.RequestAborted);
            return ChatProblems.From(registered.Error);
        }

        return TypedResults.Created($"/api/users/{userId}", Answer(registered.Value, services.Tokens));
    }

    /// <summary>
    /// Reads the stored hash from the user grain (a read: retried through a failover like any other) and checks the
    /// password here, exactly once per request; an unknown id is checked against a decoy of the same cost.
    /// </summary>
    private static async Task<IResult> LoginAsync(LoginRequest request, [AsParameters] SignInServices services, HttpContext http)
    {
        if (request.UserId is not { } userId || request.Password is null)
        {
            return ChatProblems.BadRequest("userId and password are required.");
        }

        var address = http.Connection.RemoteIpAddress;
        if (!services.Allowance.TrySignIn(address))
        {
            return OverAllowance(http, services.Allowance.SignInRefusal);
        }

        if (await services.Throttle.RetryAfterAsync(address, userId, http.RequestAborted) is { } wait)
        {
            return Throttled(http, wait);
        }

        // An id nobody can hold needs no trip to the cluster, but gets the same hash and answer as any unknown one.
        var credentials = UserIds.IsValid(userId)
            ? await services.Cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetCredentialsAsync(), http.RequestAborted)
            : null;
        if (!await services.Hasher.VerifyAsync(request.Password, credentials?.Password, http.RequestAborted))
        {
            await services.Throttle.RecordFailureAsync(address, userId, http.RequestAborted);
            return ChatProblems.From(new ChatError(ChatErrorCode.WrongCredentials, "Wrong user id or password."));
        }

        await services.Throttle.RecordSuccessAsync(address, userId, http.RequestAborted);
        if (services.Hasher.NeedsUpgrade(credentials!.Password))
        {
            await UpgradeHashAsync(credentials, request.Password, services, http.RequestAborted);
        }

        return TypedResults.Ok(Answer(credentials, services.Tokens));
    }

    /// <summary>Ends every token of the caller, this one included: each carries the token version this bumps.</summary>
    private static async Task<IResult> LogoutEverywhereAsync(HttpContext http, ChatCluster cluster, TokenVersionCache versions)
    {
        var userId = http.User.UserId();
        // Bumping twice (a retry after a lost answer) ends the same tokens: safe to repeat.
        var version = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).RevokeTokensAsync(), http.RequestAborted);
        // This gateway knows at once; the others (and this one again) hear it from the user's grain.
        versions.Learn(userId, version);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Replaces a hash of a lower cost (an account from before the cost was raised) while the password is at hand. The
    /// login succeeds either way: a failed upgrade is tried again at the next one.
    /// </summary>
    private static async Task UpgradeHashAsync(UserCredentials credentials, string password, SignInServices services, CancellationToken cancellationToken)
    {
        try
        {
            var upgraded = await services.Hasher.HashAsync(password, HashTurn.SignIn, cancellationToken);
            if (await services.Cluster.OnceAsync(grains => grains.GetGrain<IUserGrain>(credentials.Profile.UserId).UpgradePasswordHashAsync(credentials.Password, upgraded)))
            {
                LogHashUpgraded(services.Logger, credentials.Profile.UserId, credentials.Password.Iterations, upgraded.Iterations);
            }
        }
        catch (Exception exception) when (exception is ClusterUnavailableException or HashQueueFullException)
        {
            LogHashUpgradeFailed(services.Logger, exception, credentials.Profile.UserId);
        }
    }

    private static AuthResponse Answer(UserCredentials credentials, TokenIssuer tokens) =>
        new(credentials.Profile.UserId, credentials.Profile.DisplayName, tokens.Issue(credentials));

    private static ProblemHttpResult OverAllowance(HttpContext http, (string Detail, TimeSpan RetryAfter) refusal) =>
        ChatProblems.TooManyRequests(http.Response, "RateLimited", refusal.Detail, refusal.RetryAfter);

    private static ProblemHttpResult Throttled(HttpContext http, TimeSpan wait) => ChatProblems.TooManyRequests(
        http.Response,
        "SignInThrottled",
        $"Too many failed sign-ins for this account or from this address; try again in {ChatProblems.WholeSeconds(wait)} s.",
        wait);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Upgraded the password hash of user {UserId} from {OldIterations} to {NewIterations} iterations")]
    private static partial void LogHashUpgraded(ILogger logger, long userId, int oldIterations, int newIterations);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Could not store the upgraded password hash of user {UserId}; the next login tries again")]
    private static partial void LogHashUpgradeFailed(ILogger logger, Exception exception, long userId);
}
