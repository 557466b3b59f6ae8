using System.Security.Claims;
using System.Text.Encodings.Web;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hearth.Supervisor.Auth;

/// <summary>Authenticates <c>Authorization: Simple KEY</c> (or <c>Bearer KEY</c>) against the hashed keys in the store.</summary>
internal sealed class KeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IKeyStore keys,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var key = ApiKeys.FromAuthorizationHeader(header);
        if (key is null)
        {
            return AuthenticateResult.Fail("the Authorization header must be \"Simple KEY\", \"Bearer KEY\" or the bare key");
        }

        var record = await keys.FindByHashAsync(ApiKeys.Hash(key), Context.RequestAborted).ConfigureAwait(false);
        if (record is null || (record.RevokedAt is { } revoked && revoked <= time.GetUtcNow()))
        {
            return AuthenticateResult.Fail("the API key is not valid");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(Principal(record, Scheme.Name), Scheme.Name));
    }

    internal static ClaimsPrincipal Principal(ApiKeyRecord record, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Role, record.Role), new(HearthAuth.KeyIdClaim, record.Id), new(ClaimTypes.Name, record.Id) };
        if (record.AccountId is { } account)
        {
            claims.Add(new Claim(HearthAuth.AccountClaim, account));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "a valid API key is required: send the header \"Authorization: Simple KEY\"");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", ForbiddenDetail());

    /// <summary>What key the endpoint's policy needs, and what kind of key was sent.</summary>
    private string ForbiddenDetail()
    {
        var policies = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>() ?? [];
        var needs = policies.LastOrDefault() switch
        {
            HearthAuth.AdminPolicy => "this needs an admin key",
            HearthAuth.WorkerPolicy => "this needs a worker key or an admin key",
            HearthAuth.ApiPolicy => "this needs an account's API key or an admin key",
            _ => "this API key may not do this",
        };
        var sent = Context.User.FindFirstValue(ClaimTypes.Role) switch
        {
            KeyRoles.Worker => "a worker key",
            KeyRoles.Account => "an account's API key",
            KeyRoles.Admin => "an admin key",
            _ => null,
        };
        return sent is null ? needs : $"{needs}; the key sent is {sent}";
    }

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        var failure = status == StatusCodes.Status401Unauthorized
            ? (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure?.Message
            : null;
        Response.StatusCode = status;
        if (Request.Headers.ContentType.ToString().StartsWith("application/grpc", StringComparison.Ordinal))
        {
            return;
        }

        await Results.Problem(failure ?? detail, statusCode: status, title: title).ExecuteAsync(Context).ConfigureAwait(false);
    }
}
