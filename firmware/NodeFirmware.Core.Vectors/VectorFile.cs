using System.Collections;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>
    /// A vector file (firmware/vectors/README.md): "@kind NAME" names the check that reads it, "@generated"
    /// marks expectations that were computed by Core on .NET rather than taken from a standard; then cases,
    /// each a run of "key: value" lines starting with "case:", separated by blank lines; '#' starts a comment line.
    /// </summary>
    public class VectorFile
    {
        private VectorFile(string kind, bool generated, Vector[] cases)
        {
            Kind = kind;
            Generated = generated;
            Cases = cases;
        }

        public string Kind { get; private set; }
        public bool Generated { get; private set; }
        public Vector[] Cases { get; private set; }

        public static VectorFile Parse(string text)
        {
            string kind = null;
            bool generated = false;
            var cases = new ArrayList();
            var keys = new ArrayList();
            var values = new ArrayList();
            string name = null;
            int caseLine = 0;
            string[] lines = text.Split('\n');
            for (int n = 0; n <= lines.Length; n++)
            {
                string line = n < lines.Length ? lines[n].Trim() : "";
                if (line.Length > 0 && line[0] == '#') continue;
                if (line.Length == 0)
                {
                    if (name != null) cases.Add(new Vector(name, caseLine, ToArray(keys), ToArray(values)));
                    name = null;
                    keys.Clear();
                    values.Clear();
                    continue;
                }
                if (line[0] == '@')
                {
                    if (line == "@generated") generated = true;
                    else if (line.Length > 6 && line.Substring(0, 6) == "@kind ") kind = line.Substring(6).Trim();
                    else throw new VectorFormatException("line " + (n + 1) + ": unknown directive " + line);
                    continue;
                }
                int colon = line.IndexOf(':');
                if (colon < 1) throw new VectorFormatException("line " + (n + 1) + ": expected 'key: value'");
                string key = line.Substring(0, colon).Trim();
                string value = line.Substring(colon + 1).Trim();
                if (name == null)
                {
                    if (key != "case") throw new VectorFormatException("line " + (n + 1) + ": a case starts with 'case:'");
                    name = value;
                    caseLine = n + 1;
                }
                keys.Add(key);
                values.Add(value);
            }
            if (kind == null) throw new VectorFormatException("no '@kind' line");
            var all = new Vector[cases.Count];
            cases.CopyTo(all);
            return new VectorFile(kind, generated, all);
        }

        private static string[] ToArray(ArrayList list)
        {
            var a = new string[list.Count];
            list.CopyTo(a);
            return a;
        }
    }
}
