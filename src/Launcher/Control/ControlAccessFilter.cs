using System.Security.Cryptography;
using System.Text;

namespace WhatsApp.Launcher.Control;

/// <summary>
/// The control endpoint kills processes, so it answers only a caller on this machine (a loopback address) that
/// presents the secret ./run generated (Authorization: Bearer ...). Kestrel listens on loopback only as well; this
/// check holds even if someone put a proxy in front.
/// </summary>
public sealed class ControlAccessFilter(ControlSecret secret) : IEndpointFilter
{
    private const string BearerPrefix = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Connection.RemoteIpAddress is not { } caller || !System.Net.IPAddress.IsLoopback(caller))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Loopback only",
                detail: "The control endpoint answers callers on this machine only.");
        }

        if (!secret.Matches(PresentedSecret(http.Request)))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Secret required",
                detail: "Present the launcher's control secret as a bearer token.");
        }

        return await next(context);
    }

    private static string? PresentedSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerPrefix, StringComparison.Ordinal) ? header[BearerPrefix.Length..] : null;
    }
}

/// <summary>The secret a control caller must present, read once from the file ./run generated it into.</summary>
public sealed class ControlSecret
{
    private readonly byte[] _expected;

    public ControlSecret(string value)
    {
        if (value.Length < 32)
        {
            throw new InvalidDataException("The control secret must be at least 32 characters.");
        }

        _expected = Encoding.UTF8.GetBytes(value);
    }

    public static ControlSecret ReadFrom(string file) => new(File.ReadAllText(file).Trim());

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
}
