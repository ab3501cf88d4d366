using System.Globalization;

namespace Hearth.Agent.RunAs;

/// <summary>User and group ids as text.</summary>
internal static class Ids
{
    /// <summary>
    /// A uid or gid written in decimal digits only (no sign, no spaces). 4294967295 is refused: it
    /// is (uid_t)-1, which setresuid(2) and setresgid(2) read as "leave this id unchanged".
    /// </summary>
    public static bool TryParse(string text, out uint id) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue;

    /// <summary>Whether <paramref name="text"/> names an id rather than a name: it is all ASCII digits.</summary>
    public static bool IsNumeric(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
