namespace Hearth.Core.Algorithms;

/// <summary>A typed refusal: its kind picks the status and its message says why, for a person to act on.</summary>
public sealed record Refusal(RefusalKind Kind, string Message)
{
    public int StatusCode => Kind switch
    {
        RefusalKind.Invalid => 400,
        RefusalKind.Unauthenticated => 401,
        RefusalKind.Forbidden => 403,
        RefusalKind.NotFound => 404,
        _ => 409,
    };

    public static Refusal Invalid(string message) => new(RefusalKind.Invalid, message);

    public static Refusal Forbidden(string message) => new(RefusalKind.Forbidden, message);

    public static Refusal NotFound(string message) => new(RefusalKind.NotFound, message);

    public static Refusal Conflict(string message) => new(RefusalKind.Conflict, message);

    public static Refusal Unauthenticated(string message) => new(RefusalKind.Unauthenticated, message);
}
