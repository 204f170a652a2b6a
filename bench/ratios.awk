# Reads `go test -bench` output (several rounds of the same benchmarks) and
# prints, per benchmark group, each variant's median of every metric it
# reports (ns/op, allocs/op, req/s, p50-ms, p99-ms, ...) and that median as
# a ratio to the median of the group's "floor" variant.
#   awk -f ratios.awk bench.out
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	n = split(name, parts, "/")
	variant = parts[n]; group = parts[1]
	for (i = 2; i < n; i++) group = group "/" parts[i]
	groups[group] = 1; variants[group, variant] = name
	for (i = 3; i < NF; i += 2) {
		unit = $(i + 1)
		if (unit == "B/op") continue
		if (!((group, unit) in seen)) { seen[group, unit] = 1; units[group] = units[group] " " unit }
		values[name, unit, ++count[name, unit]] = $i
	}
}
function median(name, unit,   i, j, t, k, v) {
	k = count[name, unit]
	if (k == 0) return ""
	for (i = 1; i <= k; i++) v[i] = values[name, unit, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
	return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
END {
	for (g in groups) {
		floor = variants[g, "floor"]
		if (floor == "") continue
		nu = split(substr(units[g], 2), us, " ")
		printf "%-36s", g " (rounds: " count[floor, us[1]] ")"
		for (u = 1; u <= nu; u++) printf " %22s", "median " us[u] " (x floor)"
		printf "\n"
		for (key in variants) {
			split(key, kv, SUBSEP)
			if (kv[1] != g) continue
			name = variants[key]
			printf "%-36s", name
			for (u = 1; u <= nu; u++) {
				m = median(name, us[u]); f = median(floor, us[u])
				if (m == "") printf " %22s", "-"
				else printf (m >= 1000 ? " %13.0f (%6.2f)" : " %13.4g (%6.2f)"), m, (f > 0 ? m / f : 0)
			}
			printf "\n"
		}
	}
}
