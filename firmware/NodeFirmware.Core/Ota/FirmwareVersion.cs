using System;

namespace NodeFirmware.Core.Ota
{
    /// <summary>major.minor.patch plus a build number; text form "1.5.0+12" ("1.5.0" when the build is 0).</summary>
    public class FirmwareVersion
    {
        public FirmwareVersion(int major, int minor, int patch, int build)
        {
            if (major < 0 || minor < 0 || patch < 0 || build < 0) throw new ArgumentException("version parts must not be negative");
            Major = major;
            Minor = minor;
            Patch = patch;
            Build = build;
        }

        public int Major { get; private set; }
        public int Minor { get; private set; }
        public int Patch { get; private set; }
        public int Build { get; private set; }

        /// <summary>Parses "1.5.0" or "1.5.0+12"; throws <see cref="FormatException"/> naming the problem.</summary>
        public static FirmwareVersion Parse(string text)
        {
            if (text == null || text.Length == 0) throw new FormatException("empty firmware version");
            int build = 0;
            string core = text;
            int plus = text.IndexOf('+');
            if (plus >= 0)
            {
                core = text.Substring(0, plus);
                build = ParsePart(text.Substring(plus + 1), text);
            }
            string[] parts = core.Split('.');
            if (parts.Length != 3) throw new FormatException("firmware version '" + text + "' is not major.minor.patch[+build]");
            return new FirmwareVersion(ParsePart(parts[0], text), ParsePart(parts[1], text), ParsePart(parts[2], text), build);
        }

        public static bool TryParse(string text, out FirmwareVersion version)
        {
            try
            {
                version = Parse(text);
                return true;
            }
            catch (FormatException)
            {
                version = null;
                return false;
            }
        }

        /// <summary>Negative, zero or positive as this is older than, equal to or newer than <paramref name="other"/>.</summary>
        public int CompareTo(FirmwareVersion other)
        {
            if (Major != other.Major) return Major < other.Major ? -1 : 1;
            if (Minor != other.Minor) return Minor < other.Minor ? -1 : 1;
            if (Patch != other.Patch) return Patch < other.Patch ? -1 : 1;
            if (Build != other.Build) return Build < other.Build ? -1 : 1;
            return 0;
        }

        public override string ToString()
        {
            string core = Major.ToString() + "." + Minor.ToString() + "." + Patch.ToString();
            return Build == 0 ? core : core + "+" + Build.ToString();
        }

        private static int ParsePart(string part, string whole)
        {
            if (part.Length == 0 || part.Length > 9) throw new FormatException("firmware version '" + whole + "' has an empty or overlong part");
            int value = 0;
            for (int i = 0; i < part.Length; i++)
            {
                char c = part[i];
                if (c < '0' || c > '9') throw new FormatException("firmware version '" + whole + "' has a non-digit '" + c + "'");
                value = value * 10 + (c - '0');
            }
            return value;
        }
    }
}
