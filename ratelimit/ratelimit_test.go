package ratelimit

import (
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"skranke/chat"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		str  string
	}{
		{"30/1m", Rate{30, time.Minute}, "30/1m"},
		{"30/m", Rate{30, time.Minute}, "30/1m"},
		{"5/s", Rate{5, time.Second}, "5/1s"},
		{"100/2h", Rate{100, 2 * time.Hour}, "100/2h"},
		{"10/90s", Rate{10, 90 * time.Second}, "10/1m30s"},
		{"off", Rate{}, "off"},
		{"0", Rate{}, "off"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRate(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseRate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			if s := got.String(); s != tc.str {
				t.Errorf("ParseRate(%q).String() = %q, want %q", tc.in, s, tc.str)
			}
			if back, err := ParseRate(got.String()); err != nil || back != got {
				t.Errorf("ParseRate(%q) = %v, %v; want %v", got.String(), back, err, got)
			}
		})
	}
	for _, bad := range []string{"", "30", "x/1m", "-1/1m", "30/", "30/-1m", "30/fortnight"} {
		if r, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) = %v, want an error", bad, r)
		}
	}
}

func TestKeyed_Allow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		refused := 0
		k := NewKeyed(Rate{3, 3 * time.Second}, func() { refused++ })
		for i := range 3 {
			if ok, _ := k.Allow("a"); !ok {
				t.Fatalf("Allow(a) #%d = false, want true within the burst of 3", i+1)
			}
		}
		ok, wait := k.Allow("a")
		if ok || wait != time.Second {
			t.Errorf("Allow(a) #4 = %v, %v; want false, 1s", ok, wait)
		}
		if ok, _ := k.Allow("b"); !ok {
			t.Errorf("Allow(b) = false: another key's bucket is its own")
		}
		time.Sleep(wait)
		if ok, _ := k.Allow("a"); !ok {
			t.Errorf("Allow(a) after waiting the retry-after = false, want true")
		}
		if refused != 1 {
			t.Errorf("onLimit called %d times, want 1", refused)
		}
	})
}

func TestKeyed_CheckCharge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := NewKeyed(Rate{2, 10 * time.Second}, nil)
		for i := range 5 {
			if ok, _ := k.Check("a"); !ok {
				t.Fatalf("Check(a) #%d = false with nothing charged", i+1)
			}
		}
		// Three failures that all passed Check together: the bucket owes one.
		k.Charge("a")
		k.Charge("a")
		k.Charge("a")
		ok, wait := k.Check("a")
		if ok || wait != 10*time.Second {
			t.Errorf("Check(a) after 3 charges of a 2-burst = %v, %v; want false, 10s (two tokens at 5s each)", ok, wait)
		}
		time.Sleep(wait)
		if ok, _ := k.Check("a"); !ok {
			t.Errorf("Check(a) after the wait = false")
		}
	})
}

func TestKeyed_forgetsQuietKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := NewKeyed(Rate{10, time.Minute}, nil)
		for i := range 100 {
			k.Allow(string(rune('a' + i%26)))
			k.Allow(string(rune(1000 + i)))
		}
		if n := k.keys(); n < 100 {
			t.Fatalf("keys() = %d, want 126", n)
		}
		time.Sleep(2 * time.Minute) // every bucket is full again
		k.Allow("new")
		if n := k.keys(); n != 1 {
			t.Errorf("keys() after everyone went quiet = %d, want 1", n)
		}
	})
}

func TestKeyed_nil(t *testing.T) {
	k := NewKeyed(Rate{}, nil)
	if k != nil {
		t.Fatalf("NewKeyed(no limit) = %v, want nil", k)
	}
	for range 1000 {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatal("a nil Keyed refused")
		}
	}
	k.Charge("a")
	if ok, _ := k.Check("a"); !ok {
		t.Fatal("a nil Keyed refused")
	}
}

func TestBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBackoff(3, 8*time.Second, nil)
		for range 3 {
			if ok, _ := b.Check("anna"); !ok {
				t.Fatal("Check refused within the free failures")
			}
			b.Fail("anna")
		}
		if ok, _ := b.Check("anna"); !ok {
			t.Fatal("Check refused after exactly the free failures")
		}
		// Each failure beyond the free ones doubles the wait, up to the max.
		for _, want := range []time.Duration{1, 2, 4, 8, 8} {
			b.Fail("anna")
			ok, wait := b.Check("anna")
			if ok || wait != want*time.Second {
				t.Fatalf("Check after another failure = %v, %v; want false, %v", ok, wait, want*time.Second)
			}
			if ok, _ := b.Check("bjorn"); !ok {
				t.Fatal("another key had to wait")
			}
			time.Sleep(wait)
		}
		b.Reset("anna")
		b.Fail("anna")
		if ok, _ := b.Check("anna"); !ok {
			t.Error("Check refused after Reset and one failure")
		}

		// Quiet keys are forgotten, the free failures too.
		for i := range 50 {
			b.Fail(string(rune('a' + i)))
		}
		time.Sleep(time.Minute)
		b.Check("x")
		if n := b.size(); n != 0 {
			t.Errorf("size() after a quiet minute = %d, want 0", n)
		}
	})
}

func TestSlots(t *testing.T) {
	refused := 0
	s := NewSlots(2, func() { refused++ })
	r1, ok1 := s.Take("c1")
	r2, ok2 := s.Take("c1")
	if !ok1 || !ok2 {
		t.Fatal("Take refused within the max")
	}
	if _, ok := s.Take("c1"); ok {
		t.Fatal("Take(c1) a third time = ok, want refused at max 2")
	}
	if _, ok := s.Take("c2"); !ok {
		t.Fatal("Take(c2) refused: another key's slots are its own")
	}
	r1()
	r1() // a second release does nothing
	if _, ok := s.Take("c1"); !ok {
		t.Fatal("Take(c1) after a release refused")
	}
	if _, ok := s.Take("c1"); ok {
		t.Fatal("Take(c1) = ok: a double release freed two slots")
	}
	r2()
	if refused != 2 {
		t.Errorf("onLimit called %d times, want 2", refused)
	}

	// Concurrent takers never hold more than max.
	s = NewSlots(5, nil)
	var mu sync.Mutex
	held, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 100 {
				release, ok := s.Take("k")
				if !ok {
					continue
				}
				mu.Lock()
				held++
				most = max(most, held)
				held--
				mu.Unlock()
				release()
			}
		})
	}
	wg.Wait()
	if most > 5 {
		t.Errorf("%d slots held at once, want at most 5", most)
	}
}

func TestExceeded(t *testing.T) {
	err := Exceeded(1500*time.Millisecond, chat.E(chat.ETooManyRequests, "too_many_tries", "Too many tries; wait {seconds} s.", "seconds", 2))
	if chat.ErrorCode(err) != chat.ETooManyRequests || chat.ErrorMessage(err) != "Too many tries; wait 2 s." || chat.ErrorOf(err).Reason != "too_many_tries" {
		t.Errorf("Exceeded = code %q reason %q message %q", chat.ErrorCode(err), chat.ErrorOf(err).Reason, chat.ErrorMessage(err))
	}
	if d := RetryAfter(err); d != 1500*time.Millisecond {
		t.Errorf("RetryAfter = %v, want 1.5s", d)
	}
	if d := RetryAfter(chat.E(chat.EInvalid, "x", "X.")); d != 0 {
		t.Errorf("RetryAfter of another error = %v, want 0", d)
	}
}

func TestAddrKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
	} {
		if got := AddrKey(netip.MustParseAddr(tc.in)); got != tc.want {
			t.Errorf("AddrKey(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := AddrKey(netip.Addr{}); got != "" {
		t.Errorf("AddrKey(zero) = %q, want empty", got)
	}
}
