package nvmf

import "encoding/json"

// ReportDoc is a Report as connect-all -o json prints it: each discovery
// controller asked and each path its log listed, with the outcome.
type ReportDoc struct {
	Discoveries []DiscoveryDoc `json:"discoveries"`
	Paths       []PathDoc      `json:"paths"`
}

// DiscoveryDoc is one discovery controller of a ReportDoc.
type DiscoveryDoc struct {
	Transport  string `json:"transport"`
	Traddr     string `json:"traddr"`
	Trsvcid    string `json:"trsvcid"`
	Controller string `json:"controller,omitempty"`
	Records    int    `json:"records"`
	Error      string `json:"error,omitempty"`
}

// PathDoc is one path of a ReportDoc; Status is its Outcome.
type PathDoc struct {
	Device    string `json:"device,omitempty"`
	Status    string `json:"status"`
	Transport string `json:"transport"`
	Traddr    string `json:"traddr"`
	Trsvcid   string `json:"trsvcid"`
	SubNQN    string `json:"subnqn"`
	Error     string `json:"error,omitempty"`
}

// Doc summarizes r for JSON.
func (r *Report) Doc() ReportDoc {
	doc := ReportDoc{Discoveries: []DiscoveryDoc{}, Paths: []PathDoc{}}
	for _, d := range r.Discoveries {
		j := DiscoveryDoc{Transport: d.Target.Options.Transport, Traddr: d.Target.Options.Traddr, Trsvcid: d.Target.Options.Trsvcid}
		if d.Err != nil {
			j.Error = d.Err.Error()
		} else if d.Found != nil {
			j.Controller, j.Records = d.Found.Controller, len(d.Found.Log.Entries)
			j.Trsvcid = d.Found.Target.Options.Trsvcid
		}
		doc.Discoveries = append(doc.Discoveries, j)
	}
	for _, p := range r.Paths {
		j := PathDoc{Device: p.Device, Status: p.Outcome.String(), Transport: p.Options.Transport,
			Traddr: p.Options.Traddr, Trsvcid: p.Options.Trsvcid, SubNQN: p.Options.NQN}
		if p.Err != nil {
			j.Error = p.Err.Error()
		}
		doc.Paths = append(doc.Paths, j)
	}
	return doc
}

// MarshalJSON encodes r as its Doc.
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.Doc()) }
