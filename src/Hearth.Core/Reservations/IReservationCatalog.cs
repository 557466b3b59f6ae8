using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// What the rules need to know about accounts and algorithms: whether an account exists and which accounts it is a
/// member of, and an algorithm's builds and versions. The supervisor answers from its catalog; tests from memory.
/// </summary>
public interface IReservationCatalog
{
    /// <summary>The account as a caller (itself plus the organizations it belongs to), or null when there is none.</summary>
    Caller? FindAccount(string name);

    AlgorithmEntry? FindAlgorithm(AlgorithmName name);
}
