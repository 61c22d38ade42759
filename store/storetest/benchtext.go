package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Words of chat messages for benchmarks, Norwegian and English, most
// common first: ChatText draws them by a Zipf law, as real text has them,
// with a long tail of rarer words (RareWord) behind them.
var chatWords = strings.Fields(`
jeg er og det i på ikke du til en har med for at kan som vi hva
the to and you is it a of for my on have can with this that not be
hei takk hjelp faktura strøm avtale kunde konto betale betalt måned pris
hello thanks help invoice power contract customer account pay paid month price
kontrakt levering adresse flytte flytting måler måleravlesning nettleie
delivery address move moving meter reading grid fee order number
spotpris fastpris timepris rabatt feil regning forfalt purring inkasso
spot fixed hourly discount error bill overdue reminder collection
passord innlogging app nettside mobil epost telefon svar snart
password login website mobile email phone answer soon please today
hytte hus leilighet oppvarming vinter sommer kald varm lys
cabin house apartment heating winter summer cold warm light
`)

// RareWords is how many rare words follow the common ones; RareWord(i)
// names the i-th.
const RareWords = 20000

// RareWord is the i-th rare word of ChatText (0 ≤ i < RareWords).
func RareWord(i int) string { return fmt.Sprintf("ord%05d", i) }

// ChatText returns a message of 4 to 20 words drawn from r.
func ChatText(r *rand.Rand, z *rand.Zipf) string {
	n := 4 + r.IntN(17)
	words := make([]string, n)
	for i := range words {
		k := int(z.Uint64())
		if k < len(chatWords) {
			words[i] = chatWords[k]
		} else {
			words[i] = RareWord((k - len(chatWords)) % RareWords)
		}
	}
	return strings.Join(words, " ")
}

// NewChatTextZipf returns the Zipf law ChatText draws words by, from r.
func NewChatTextZipf(r *rand.Rand) *rand.Zipf {
	return rand.NewZipf(r, 1.1, 1, uint64(len(chatWords)+RareWords-1))
}
