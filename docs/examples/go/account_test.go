// An account per test for `go test`, over plain HTTP: the operator (the first account's admin)
// makes a fresh account before each test and t.Cleanup deletes it. PROJECTPLANE_URL and
// PROJECTPLANE_ADMIN_PASSWORD say where; without them the test is skipped.
package accountpertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"
)

type account struct {
	Account struct{ ID, Name string } `json:"account"`
	Admin   struct{ Name, Password string } `json:"admin"`
}

func call(t *testing.T, method, url, token string, body any) *http.Response {
	t.Helper()
	var payload bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&payload).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, url, &payload)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// signIn returns a token scoped to the account (its domain) of the named user.
func signIn(t *testing.T, url, domain, user, password string) string {
	t.Helper()
	scope := map[string]any{"domain": map[string]string{"name": domain}}
	identity := map[string]any{"methods": []string{"password"}, "password": map[string]any{
		"user": map[string]any{"name": user, "password": password, "domain": map[string]string{"name": domain}}}}
	res := call(t, "POST", url+"/v3/auth/tokens", "", map[string]any{"auth": map[string]any{"identity": identity, "scope": scope}})
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("sign in as %s: %s", user, res.Status)
	}
	return res.Header.Get("X-Subject-Token")
}

// newAccount gives the test an account of its own, deleted when the test ends.
func newAccount(t *testing.T, url, operator string) account {
	t.Helper()
	name := fmt.Sprintf("t-%d", time.Now().UnixNano())
	res := call(t, "POST", url+"/_projectplane/accounts", operator, map[string]any{"account": map[string]string{"name": name}})
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create account: %s", res.Status)
	}
	var made account
	if err := json.NewDecoder(res.Body).Decode(&made); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		res := call(t, "DELETE", url+"/_projectplane/accounts/"+made.Account.ID, operator, nil)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("delete account: %s", res.Status)
		}
	})
	return made
}

func TestAnAccountOfItsOwn(t *testing.T) {
	url, password := os.Getenv("PROJECTPLANE_URL"), os.Getenv("PROJECTPLANE_ADMIN_PASSWORD")
	if url == "" || password == "" {
		t.Skip("PROJECTPLANE_URL and PROJECTPLANE_ADMIN_PASSWORD are not set")
	}
	operator := signIn(t, url, "projectplane", "admin", password)
	acct := newAccount(t, url, operator)
	token := signIn(t, url, acct.Account.Name, acct.Admin.Name, acct.Admin.Password)

	res := call(t, "GET", url+"/v3/projects?domain_id="+acct.Account.ID, token, nil)
	defer res.Body.Close()
	var listed struct{ Projects []struct{ Name string } }
	if err := json.NewDecoder(res.Body).Decode(&listed); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list projects: %s %v", res.Status, err)
	}
	if len(listed.Projects) == 0 {
		t.Fatal("a new account has its region projects; none listed")
	}
}
