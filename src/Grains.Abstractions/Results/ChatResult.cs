using System.Diagnostics.CodeAnalysis;

namespace WhatsApp.Grains.Abstractions.Results;

/// <summary>The outcome of a command that returns nothing: success, or a <see cref="ChatError"/>.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatResult")]
public sealed record ChatResult([property: Id(0)] ChatError? Error)
{
    public static ChatResult Ok { get; } = new((ChatError?)null);

    public bool IsSuccess => Error is null;

    public static ChatResult Fail(ChatErrorCode code, string detail) => new(new ChatError(code, detail));

    public static ChatResult<T> Success<T>(T value) => new(value, null);

    public static ChatResult<T> Fail<T>(ChatErrorCode code, string detail) => new(default, new ChatError(code, detail));

    public static ChatResult<T> Fail<T>(ChatError error) => new(default, error);
}

/// <summary>The outcome of a query or command: a value, or a <see cref="ChatError"/> that changed nothing.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatResult`1")]
public sealed record ChatResult<T>([property: Id(0)] T? Value, [property: Id(1)] ChatError? Error)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;
}
