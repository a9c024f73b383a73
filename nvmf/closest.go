package nvmf

import "sort"

// Closest orders candidates by edit distance to want, nearest first (ties
// keep their order), so a mistyped NQN is shown next to the right one.
func Closest(want string, candidates []string) []string {
	out := append([]string(nil), candidates...)
	dist := make(map[string]int, len(out))
	for _, c := range out {
		dist[c] = editDistance(want, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return dist[out[i]] < dist[out[j]] })
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
