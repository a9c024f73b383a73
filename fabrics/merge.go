package fabrics

// FillFrom sets every option that o leaves unset, or holds only as a default,
// to its value in base, going over the whole token table so that a merge
// never leaves a field out. A value taken from base keeps base's Defaults
// mark; o's own values win otherwise, and a default of base never replaces
// a value o has.
func (o *Options) FillFrom(base Options) {
	defaults := make(map[string]bool, len(base.Defaults)+len(o.Defaults))
	for _, p := range options {
		own, given := p.isSet(o), p.isSet(&base)
		switch {
		case given && (!own || (o.Defaults[p.name] && !base.Defaults[p.name])):
			p.copy(o, &base)
			defaults[p.name] = base.Defaults[p.name]
		case own:
			defaults[p.name] = o.Defaults[p.name]
		}
	}
	for k, v := range defaults {
		if !v {
			delete(defaults, k)
		}
	}
	o.Defaults = defaults
}

// Names lists every kernel token Options can carry, in Encode's order.
func Names() []string {
	out := make([]string, len(options))
	for i, p := range options {
		out[i] = p.name
	}
	return out
}

// IsSet reports whether the option with kernel token name is set in o.
func (o *Options) IsSet(name string) bool {
	p, ok := optionsByName[name]
	return ok && p.isSet(o)
}

func (p option) copy(dst, src *Options) {
	switch {
	case p.str != nil:
		*p.str(dst) = *p.str(src)
	case p.num != nil:
		v := **p.num(src)
		*p.num(dst) = &v
	default:
		*p.flag(dst) = *p.flag(src)
	}
}
