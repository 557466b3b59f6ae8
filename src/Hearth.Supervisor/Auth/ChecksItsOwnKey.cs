using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Supervisor.Auth;

/// <summary>
/// Endpoint metadata: the endpoint checks the caller's key itself, from memory, so the authentication, authorization
/// and antiforgery middleware are skipped for it. Only for the call path, where they would hash and look up the same
/// key a second time and build a principal nobody reads.
/// </summary>
internal sealed class ChecksItsOwnKey
{
    public static readonly ChecksItsOwnKey Instance = new();

    private ChecksItsOwnKey()
    {
    }

    /// <summary>Authentication, authorization and antiforgery, for every endpoint but those marked with this.</summary>
    public static void UseForOthers(WebApplication app) => app.UseWhen(
        context => context.GetEndpoint()?.Metadata.GetMetadata<ChecksItsOwnKey>() is null,
        branch =>
        {
            branch.UseAuthentication();
            branch.UseAuthorization();
            branch.UseAntiforgery();
        });
}
