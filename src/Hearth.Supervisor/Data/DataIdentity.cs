using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Data;

/// <summary>
/// Who a data request comes from, from its key: an account's key, an admin key, or a key an instance holds (which
/// acts as the instance's caller). Checked here, like a call's key, because instance keys live in memory only.
/// </summary>
internal sealed class DataIdentity(AccountService accounts, InstanceKeys instanceKeys, InstancePool pool)
{
    public async Task<DataCaller> IdentifyAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = ApiKeys.FromAuthorizationHeader(authorization)
            ?? throw new DataRefusedException(401, string.IsNullOrWhiteSpace(authorization)
                ? "an API key is required: send the header \"Authorization: Simple KEY\" (or the bare key, as Algorithmia's clients do)"
                : "the Authorization header must be \"Simple KEY\", \"Bearer KEY\" or the bare key");
        if (await accounts.IdentifyAsync(key, cancellationToken).ConfigureAwait(false) is { } identity)
        {
            return identity.Role switch
            {
                KeyRoles.Admin => new DataCaller(null, null, null),
                KeyRoles.Account when identity.Account is { } account => new DataCaller(await accounts.CallerAsync(account, cancellationToken).ConfigureAwait(false), null, null),
                _ => throw new DataRefusedException(403, $"{identity.Role} keys cannot use the data API; use an account's key"),
            };
        }

        if (instanceKeys.Identify(key, id => pool.StateOf(id) is not null) is { } scope && instanceKeys.InstanceOf(key) is { } instance)
        {
            var algorithm = pool.List().FirstOrDefault(i => i.Id == instance)?.Algorithm;
            var caller = await accounts.CallerAsync(scope.Account, cancellationToken).ConfigureAwait(false);
            return new DataCaller(
                caller with { AlgorithmOwner = scope.AlgorithmOwner },
                instance,
                algorithm is not null && AlgorithmName.TryParse(algorithm, out var name, out _) ? name : null);
        }

        throw new DataRefusedException(401, "the API key is not valid");
    }
}
