namespace Hearth.Supervisor.Auth;

/// <summary>Authentication schemes, claims and authorization policies.</summary>
public static class HearthAuth
{
    /// <summary>An API key in the Authorization header.</summary>
    public const string KeyScheme = "HearthKey";

    /// <summary>The admin page's sign-in cookie.</summary>
    public const string CookieScheme = "HearthCookie";

    public const string KeyIdClaim = "hearth:key_id";
    public const string AccountClaim = "hearth:account";

    /// <summary>Jobs, workers and resources: an admin or account key.</summary>
    public const string ApiPolicy = "api";

    /// <summary>Administration: an admin key.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The worker stream: a worker key or an admin key.</summary>
    public const string WorkerPolicy = "worker";

    /// <summary>The admin pages: signed in with an admin key.</summary>
    public const string AdminPagePolicy = "admin-page";
}
