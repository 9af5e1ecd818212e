/* Pick the proposal's point on a map: a click fills the latitude and longitude fields, which
   stay the accessible way to type or clear it. Drawn only when Leaflet loads. */
(function () {
  "use strict";
  var holder = document.getElementById("point-picker");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!holder || !latitude || !longitude || typeof L === "undefined") {
    return;
  }
  holder.hidden = false;
  var map = L.map(holder, { scrollWheelZoom: false }).setView([44.698, 10.631], 12);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution:
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  var marker = null;
  function place(lat, lng) {
    if (marker) {
      marker.setLatLng([lat, lng]);
    } else {
      marker = L.marker([lat, lng], { alt: holder.getAttribute("aria-label") }).addTo(map);
    }
  }
  if (latitude.value && longitude.value) {
    place(parseFloat(latitude.value), parseFloat(longitude.value));
    map.setView([parseFloat(latitude.value), parseFloat(longitude.value)], 15);
  }
  map.on("click", function (event) {
    latitude.value = event.latlng.lat.toFixed(6);
    longitude.value = event.latlng.lng.toFixed(6);
    place(event.latlng.lat, event.latlng.lng);
  });
})();
