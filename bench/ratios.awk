# Reads `go test -bench` output and prints, per benchmark group, each
# variant's median ns/op and allocs/op as a ratio to the group's floor.
#   awk -f ratios.awk bench.out
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	n = split(name, parts, "/")
	variant = parts[n]; group = parts[1]
	for (i = 2; i < n; i++) group = group "/" parts[i]
	for (i = 1; i <= NF; i++) {
		if ($(i+1) == "ns/op") ns[name, ++count[name]] = $i
		if ($(i+1) == "allocs/op") allocs[name] = $i
	}
	groups[group] = 1; variants[group, variant] = name
}
function median(name,   i, j, t, k, v) {
	k = count[name]
	for (i = 1; i <= k; i++) v[i] = ns[name, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
END {
	printf "%-28s %12s %8s %10s %8s\n", "benchmark", "median ns", "x floor", "allocs", "x floor"
	for (g in groups) {
		floor = variants[g, "floor"]
		if (floor == "") continue
		fns = median(floor); fal = allocs[floor]
		for (key in variants) {
			split(key, kv, SUBSEP)
			if (kv[1] != g) continue
			name = variants[key]; m = median(name)
			printf "%-28s %12.0f %8.2f %10d %8.2f\n", name, m, m / fns, allocs[name], (fal > 0 ? allocs[name] / fal : 0)
		}
	}
}
