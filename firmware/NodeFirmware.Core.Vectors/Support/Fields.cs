namespace NodeFirmware.Core.Vectors
{
    /// <summary>Space-separated fields of one vector value.</summary>
    public static class Fields
    {
        public static string[] Split(string value, int count, string what)
        {
            string[] parts = value.Split(' ');
            int n = 0;
            for (int i = 0; i < parts.Length; i++) if (parts[i].Length > 0) parts[n++] = parts[i];
            if (n != count) throw new VectorFormatException(what + ": " + count + " fields expected, found " + n);
            var f = new string[n];
            for (int i = 0; i < n; i++) f[i] = parts[i];
            return f;
        }
    }
}
