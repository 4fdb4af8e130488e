"""Closed word classes the Indonesian rules key on: titles, cue nouns, noise lines."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> dict[tuple[str, ...], str]:
    """Parse 'LABEL: phrase, phrase; LABEL: ...' into {phrase tokens: label}."""
    table: dict[tuple[str, ...], str] = {}
    for group in text.split(";"):
        if not group.strip():
            continue
        label, _, items = group.partition(":")
        for item in items.split(","):
            if item.strip():
                table[tuple(item.split())] = label.strip()
    return table


# Capitalised words that are never (part of) a name: days, months, pronouns, connectives.
NEVER = _words(
    """senin selasa rabu kamis jumat jum'at sabtu minggu ahad januari februari pebruari maret
    april mei juni juli agustus september oktober november nopember desember ia dia mereka
    kami kita anda saya aku kamu beliau ini itu yang dan di ke dari pada untuk dengan dalam
    oleh bagi namun tetapi tapi sementara setelah sebelum ketika saat selama sejak karena
    jika kalau meski meskipun walaupun bahkan juga selain menurut sebagai para sang si
    sebuah seorang semua banyak beberapa tidak tak bukan belum sudah telah akan masih hanya
    apa siapa bagaimana mengapa kapan adapun adalah ada kini sekarang kemudian lalu akhirnya
    tahun bulan pekan hari jam pukul wib wita wit rp simak lihat
    terkait iklan covid the of and a an to in on for by with from at as is"""
)

# Titles and roles written before a name; they are not part of the PER span.
TITLES = _words(
    """presiden wapres menteri menlu menhan mendagri menkeu menko perdana wakil juru bicara
    jurubicara jubir pemimpin pimpinan gubernur bupati walikota wali camat lurah laksamana
    jenderal letjen mayjen brigjen marsekal kolonel letkol mayor kapten letnan sersan kopral
    irjen komjen kombes akbp kompol kanselir raja ratu kaisar permaisuri paus
    uskup kardinal pastor pendeta romo ustaz ustad ustadz ayatollah
    ketua sekretaris sekjen direktur dirut kepala kapolri kapolda kapolres kapolsek panglima
    pangdam kasad kasal kasau komandan danjen duta dubes konsul senator anggota hakim jaksa
    profesor prof prof. dr dr. drs drs. ir ir. h. hj. kh k.h. bapak ibu pak bu mas mbak bung
    tuan nyonya nona saudara sdr sdr. mr mr. mrs mrs. ms ms. sir lord penasihat penasehat
    pelatih rektor dekan ceo cfo chairman president minister governor admiral senator king
    queen prince princess pope madya muda keluarga marga capt kapt
    menag menaker menakertrans mendag mendes mendikbud mendikbudristek mendiknas menhub menkes
    menkominfo menkop menkumham menlhk menpan menpanrb menpar menparekraf menperin menpora
    menpupr menristek menristekdikti mensesneg mensos mentan menhut meneg menegpora
    menkopolhukam menkomaritim menkokesra wamen wagub wabup wawali wawalkot walkot wakapolri
    wakapolda wakapolres sekda sekdes kadis kabid kabag kasubag kasubdit kasat kasatreskrim
    kabiro kabareskrim kabaharkam kadiv kadivhumas kapuspen kapuspenkum kajati kajari
    jampidsus jampidum kakanwil kalapas kades dirjen dirreskrimum dirreskrimsus dirlantas
    komut ketum waketum plt plh danramil dandim danrem danyon pangkostrad kasdam danlanud"""
)

# Roles and kin written before a name, only when in lower case ("ayah Kim", "pakar Budi").
LOWER_TITLES = _words(
    """dosen pakar analis pengamat peneliti ilmuwan ekonom wartawan jurnalis koresponden aktor
    aktris penyanyi musisi sutradara produser penulis pengacara kuasa advokat dokter bos
    pendiri ayah ibunda ayahanda istri suami putra putri kakak adik paman bibi kakek nenek
    cucu keponakan kerabat rekan sahabat atlet pemain striker gelandang kiper pebulu pebalap
    petinju pegolf petenis perenang pesepak bola tersangka terdakwa terpidana korban saksi
    kosmonot astronaut pilot"""
)

# Word pairs where a cue noun is part of a title ("Wali Kota", "Kepala Desa").
TITLE_PAIRS = frozenset(
    {
        ("wali", "kota"),
        ("kepala", "desa"),
        ("kepala", "daerah"),
        ("kepala", "negara"),
        ("kepala", "pemerintahan"),
        ("kepala", "badan"),
        ("kepala", "dinas"),
        ("kepala", "kantor"),
        ("kepala", "staf"),
        ("kepala", "pusat"),
        ("duta", "besar"),
        ("ketua", "dewan"),
        ("ketua", "komisi"),
        ("ketua", "umum"),
        ("ketua", "partai"),
        ("sekretaris", "jenderal"),
        ("sekretaris", "negara"),
        ("sekretaris", "kabinet"),
        ("kepala", "sekolah"),
    }
)

# Capitalised cue phrases that start a name and belong to it ("Universitas Kookmin").
CAP_CUES = _phrases(
    """ORG: universitas, institut, sekolah, sekolah tinggi, akademi, politeknik, kementerian,
    kemenko, departemen, direktorat, dinas, dewan, badan, komisi, komite, lembaga, majelis,
    mahkamah, pengadilan, kejaksaan, kepolisian, polda, polres, polsek, partai, bank, pt, cv,
    perum, perusahaan, kantor berita, kantor, angkatan, armada, tentara, pasukan, korps,
    komando, divisi, brigade, batalyon, resimen, yayasan, persatuan, perhimpunan, ikatan,
    asosiasi, federasi, organisasi, gerakan, front, klub, pemkot, pemprov, pemkab, pemda,
    serikat, koperasi, kongres, parlemen, senat, grup, radio, televisi, harian, majalah,
    surat kabar, koran, maskapai, biro, sekretariat, kedutaan, kedutaan besar, kedubes,
    konsulat, keuskupan, bursa, kesatuan, persekutuan, ordo, sekte, kelompok, fc, university,
    institute, college, ministry, department, council, agency, party;
    FAC: sma, smp, sd, smk, sman, smpn, sdn, smkn, smu, tk, mts, madrasah, pesantren,
    pondok pesantren,
 pabrik, kosmodrom, pelabuhan, pangkalan, pangkalan udara, pangkalan militer, bandara,
    bandar udara, lapangan udara, stasiun, terminal, stadion, masjid, gereja, katedral, candi,
    pura, vihara, klenteng, istana, gedung, menara, jembatan, bendungan, waduk, museum, monumen,
    rumah sakit, rs, rsud, rsup, hotel, mal, mall, penjara, lapas, rutan, kilang, pembangkit,
    pltu, pltn, plta, galangan, markas, benteng, tugu, makam, reaktor, kompleks, cosmodrome,
    airport, station, stadium, palace, bridge, tower;
    GPE: provinsi, kabupaten, kota, kotamadya, kecamatan, kelurahan, desa, dusun, kampung,
    distrik, negara bagian, republik, kerajaan, kesultanan, kekaisaran, keresidenan, nagari,
    gampong, prefektur, oblast, kota administrasi;
    LOC: pulau, kepulauan, gunung, pegunungan, sungai, danau, selat, teluk, laut, samudra,
    samudera, tanjung, semenanjung, lembah, bukit, jalan, jl, jl., wilayah, kawasan, daerah,
    benua, pantai, air terjun, taman nasional, hutan, gurun, dataran tinggi, lautan, kali, gua,
    goa, telaga, ujung, tebing, gerbang, perumahan, kompleks perumahan, kampus, lapangan, taman,
    situ, curug, kawedanan, blok, pasar, kebun, rawa, muara, cagar alam, suaka margasatwa, kec,
    kec., kab, kab., prov, prov., kel, kel., ds, ds., lingkungan, dukuh, banjar, jorong, kepulauan;
    EVENT: penghargaan, anugerah, award, awards, perang, pertempuran, olimpiade, piala,
    kejuaraan, konferensi, ktt, festival, pemilu, pemilihan umum, pilpres, pilkada, operasi,
    revolusi, tragedi, peristiwa, forum, muktamar,
    sidang umum, pameran, expo, pekan olahraga, turnamen, pembantaian"""
)

# Cue nouns naming public bodies: "Kementerian Pertahanan" is a name though all words are common.
BODY_CUES = frozenset(
    k
    for k, label in CAP_CUES.items()
    if label == "ORG"
    and k[0]
    in {
        "kementerian",
        "kemenko",
        "departemen",
        "direktorat",
        "dinas",
        "dewan",
        "badan",
        "komisi",
        "komite",
        "lembaga",
        "majelis",
        "mahkamah",
        "pengadilan",
        "kejaksaan",
        "kepolisian",
        "angkatan",
        "armada",
        "tentara",
        "pasukan",
        "korps",
        "komando",
        "divisi",
        "brigade",
        "batalyon",
        "resimen",
        "kantor",
        "biro",
        "sekretariat",
        "kedutaan",
        "konsulat",
        "partai",
        "persatuan",
        "perhimpunan",
        "asosiasi",
        "federasi",
        "serikat",
        "kongres",
        "parlemen",
        "senat",
        "pemkot",
        "pemprov",
        "pemkab",
        "pemda",
        "polda",
        "polres",
        "polsek",
    }
)

# Honorifics that belong to the name ("Pangeran Diponegoro", "Kyai Wahab", "Teuku Umar").
HONORIFICS = _words(
    "pangeran raden tengku teuku kyai kiai sunan kanjeng gusti nyai syekh syeikh habib cut"
)

# Lower-case cue phrases before a name; the cue is not part of the span ("kota Malang").
LOWER_CUES = _phrases(
    """ORG: partai, universitas, perusahaan, klub, grup, band, organisasi, lembaga, kementerian,
    badan, komisi, bank, maskapai, harian, majalah, koran, media, surat kabar, kantor berita,
    agen berita, stasiun televisi, situs, portal, produsen, raksasa, perusahaan rintisan,
    operator, agensi, label, tim, kesebelasan, yayasan, institut, akademi, pabrikan, firma,
    konglomerat, faksi, milisi, kelompok, kelompok militan, kantor, jaringan, emiten, bursa;
    FAC: pabrik, kosmodrom, pelabuhan, pangkalan, bandara, bandar udara, lapangan udara, stasiun,
    terminal, stadion, masjid, gereja, candi, istana, gedung, jembatan, bendungan, museum,
    rumah sakit, hotel, penjara, kilang, reaktor, pembangkit listrik, galangan kapal, markas,
    benteng, pusat peluncuran, pelabuhan antariksa, fasilitas, kompleks, situs nuklir;
    GPE: kota, provinsi, kabupaten, desa, kecamatan, kelurahan, negara, negara bagian, ibukota,
    ibu kota, distrik, kampung, dusun, kerajaan, republik, prefektur, oblast;
    LOC: pulau, wilayah, kawasan, daerah, region, sungai, gunung, danau, laut, selat, teluk,
    semenanjung, benua, perairan, pegunungan, lembah, pantai, tanjung, gurun, hutan"""
)

# Lower-case words allowed between a lower-case cue and the name ("stasiun kereta Khasan").
CUE_MODIFIERS = _words(
    """kereta api udara laut militer antariksa angkatan nuklir utama internasional kapal
    pesawat penerbangan peluncuran televisi swasta negeri asal milik bernama yakni yaitu
    tempur industri besar kecil tua baru lama kuno bersejarah pesisir perbatasan terpencil
    timur barat utara selatan tengah jauh"""
)

# Last words that make a name an organisation ("Military Times", "Persib FC").
ORG_HEADS = _words(
    """fc cf sc ac inc inc. corp corp. ltd ltd. tbk tbk. llc plc co co. group grup band news
    times post journal herald tribune tv airlines airways air foundation institute university
    college records entertainment music club united party company corporation bank agency
    council ministry army navy force forces media studio studios pictures press network
    channel holdings industries motors energy telecom"""
)

# Legal-form words that end a company name ("PT Bank Rakyat Indonesia Tbk").
ORG_SUFFIXES = _words("tbk tbk. inc inc. corp corp. ltd ltd. llc plc gmbh ag sa nv bv persero")

# Words before initials that stand for a person ("tersangka berinisial AS").
INITIALS_CUES = _words("inisial berinisial initial")

# Last words that make a name a place ("Minahasa Selatan", "Jakarta Timur").
GEO_HEADS = _words(
    "timur barat utara selatan tengah tenggara daya laut raya hulu hilir kidul wetan kulon lor"
)

# "X adalah sebuah desa", "X, seorang penyanyi": nouns after a name that say what it is.
COPULAS = _words("adalah merupakan ialah menjadi")
ARTICLES = _words("sebuah seorang salah satu suatu nama sebutan bekas mantan eks")
PERSON_NOUNS = _words(
    """tokoh politisi politikus pengusaha penyanyi aktor aktris pemain pelatih penulis pengarang
    penyair seniman musisi komponis pelukis sutradara produser model atlet pebulutangkis
    petinju pembalap pesepak pegulat perenang ilmuwan ahli filsuf ulama pahlawan perwira
    prajurit jenderal tentara pendeta pastor biarawan biarawati raja ratu sultan pangeran putri
    bangsawan presenter pembawa wartawan jurnalis penyiar komedian pelawak guru dosen dokter
    insinyur arsitek ekonom diplomat birokrat bupati gubernur menteri presiden anggota pejabat
    wanita pria perempuan laki anak putra mahasiswa pelajar gitaris vokalis drummer bassis
    pianis penari koreografer desainer fotografer youtuber selebritas selebriti aktivis
    misionaris kiai ustaz"""
)
PLACE_PREPS = _words(
    """di ke dari menuju dekat sekitar asal kawasan wilayah utara selatan timur barat tenggara
    laut daya"""
)

# Lower-case nouns before a title of a work or a group of people: no entity follows.
NOT_NAME_CUES = _words(
    """film serial sinetron drama album lagu singel single judul berjudul bertajuk novel acara
    bahasa program episode buku kitab lakon opera tari tarian agama suku masa zaman aliran mazhab
    sekte julukan gelar jabatan istilah kata frasa huruf aksara"""
)

# Separators in a list of names ("Klaten , Prambanan , Wedi maupun Yogyakarta").
LIST_SEPARATORS = frozenset({",", "dan", "atau", "serta", "maupun", "/", "&", "hingga"})

# Words around a name that make it a person.
PERSON_BEFORE = _words("oleh kata ujar tutur ucap bersama sdr pak bu mas mbak bung sang tokoh")
PERSON_AFTER = _words(
    """mengatakan berkata menambahkan menjelaskan mengungkapkan menuturkan menegaskan
    menyebutkan lahir meninggal wafat tewas mengaku menilai berharap bertemu"""
)

QUOTES = frozenset({'"', "“", "”", "'", "‘", "’", "«", "»"})

# Particles inside personal names ("Bashar al-Assad", "Ursula von der Leyen").
NAME_PARTICLES = _words("bin binti van von der den de da dos del della al el ibn ben bte")

# Connectors allowed inside organisation and place names when followed by a capital.
NAME_CONNECTORS = _words("dan untuk of the & de la le du des")

# Russian and Ukrainian family name endings: a strong person signal.
SLAVIC_SURNAME = re.compile(r"(?:ov|ova|ev|eva|yov|enko|sky|skiy|skaya|vich|ovna|evna|shvili)$")

ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")

# Acronyms that are not organisations.
NON_ORG_ACRONYMS = _words(
    """wib wita wit pdb bbm ceo cfo pm tv hp covid ktp sim uu pp uud ham apbn apbd ipo gdp phk
    umkm ok usd idr us pr foto video baca vs no dll dsb km kg cm mm ha am rt rw sd smp sma smk
    pt cv tbk ri ii iii iv vi vii viii ix xi xii ai it nik npwp bpjs kpr hut pemilu sms wa ac
    dc fm pc ui ux id hiv aids sars dna rna ppkm ctv nb ps cc tbc dbd dj mc sk pts ptn mipa ipa
    ips fkip fisip cbd gbhn kuhp tgl kk kw cq dr ir drs sh se mm mba phd bsc msc st mt mh mpd
    spd skm amd ba ma cb obe kbe ldr rsvp faq pdf url www http https gmt utc"""
)

# A line starting like this is boiler-plate: no suggestions inside it.
NOISE_LINE = re.compile(
    r"^\s*(?:baca juga|baca pula|baca selengkapnya|baca\s*:|simak juga|simak\s*:|lihat juga|"
    r"tonton juga|saksikan juga|artikel terkait|berita terkait|publisitas|advertisement|"
    r"iklan\b|kredit gambar|kredit foto|foto\s*:|video\s*:|reporter\s*:|editor\s*:|"
    r"penulis\s*:|pewarta\s*:|penyunting\s*:|redaktur\s*:|sumber\s*:|bagikan|share\b|"
    r"scroll to|gulir ke atas|cek berita|dapatkan (?:update|berita|informasi)|ikuti (?:kami|"
    r"berita|kanal)|copyright|hak cipta|©|\(?foto\s*:)",
    re.IGNORECASE,
)
