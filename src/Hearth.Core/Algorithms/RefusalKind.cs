namespace Hearth.Core.Algorithms;

/// <summary>How a refusal maps onto HTTP: 400, 401, 403, 404 or 409.</summary>
public enum RefusalKind
{
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
}
